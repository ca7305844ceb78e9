/*
 * ui-signal.c: the signals that end a session (SIGHUP when the link drops,
 * SIGTERM, SIGINT). The handler only records the signal, wakes the main
 * loop through the wake pipe and, when an editor runs, passes SIGTERM to
 * it; the main loop restores the terminal and does the rest. They are
 * installed before curses starts, so ncurses keeps its hands off them;
 * it still handles SIGWINCH itself.
 */
#include "satchel-config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "ui/ui-widget.h"

static volatile sig_atomic_t	 ui_signal_got;
static volatile sig_atomic_t	 ui_signal_fd = -1;
static volatile sig_atomic_t	 ui_signal_pid;
static volatile sig_atomic_t	 ui_signal_group;	/* pid leads a group */
static int			 ui_signal_janitor = -1;

static void	ui_signal_handler(int);

static const int ui_signal_list[] = { SIGHUP, SIGTERM, SIGINT };

static void
ui_signal_handler(int sig)
{
	int	saved = errno;
	char	c = 1;

	if (ui_signal_got == 0)
		ui_signal_got = sig;
	if (ui_signal_pid > 0)
		kill(ui_signal_group ? -(pid_t)ui_signal_pid :
		    (pid_t)ui_signal_pid, SIGTERM);
	if (ui_signal_fd >= 0 && write(ui_signal_fd, &c, 1) < 0) {
		/* A full pipe already wakes the loop. */
	}
	errno = saved;
}

void
ui_signal_init(void)
{
	struct sigaction	sa;
	size_t			i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ui_signal_handler;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < G_N_ELEMENTS(ui_signal_list); i++)
		sigaddset(&sa.sa_mask, ui_signal_list[i]);
	/* No SA_RESTART: a blocked poll returns at once. */
	sa.sa_flags = 0;
	for (i = 0; i < G_N_ELEMENTS(ui_signal_list); i++)
		sigaction(ui_signal_list[i], &sa, NULL);
}

void
ui_signal_wake(int fd)
{
	ui_signal_fd = fd;
	/* A signal that came before the pipe existed still wakes the loop. */
	if (fd >= 0 && ui_signal_got != 0 && write(fd, "", 1) < 0) {
		/* Nothing to do: the loop checks the flag first anyway. */
	}
}

void
ui_signal_release(void)
{
	struct sigaction	sa;
	size_t			i;

	ui_signal_fd = -1;
	ui_signal_pid = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	/*
	 * The session is over: a second signal while the store is being
	 * closed and removed must not cut that short.
	 */
	for (i = 0; i < G_N_ELEMENTS(ui_signal_list); i++)
		sigaction(ui_signal_list[i], &sa, NULL);
}

int
ui_signal_caught(void)
{
	return (int)ui_signal_got;
}

void
ui_signal_note(int sig)
{
	if (ui_signal_got == 0)
		ui_signal_got = sig;
}

void
ui_signal_janitor_fd(int fd)
{
	ui_signal_janitor = fd;
}

void
ui_signal_child_group(pid_t pid, gboolean group)
{
	ui_signal_group = group;
	ui_signal_pid = pid;
	/*
	 * Borrowed mode: the janitor ends the group if satchel is killed
	 * (kill -9) while it runs. "PGID\n" when it starts, "0\n" after.
	 */
	if (group && ui_signal_janitor >= 0) {
		char line[32];
		int n = g_snprintf(line, sizeof line, "%ld\n", (long)pid);

		if (write(ui_signal_janitor, line, (size_t)n) != n)
			log_warn("cannot tell the janitor about the editor");
	}
	if (pid > 0 && ui_signal_got != 0)
		kill(group ? -pid : pid, SIGTERM);
}

void
ui_signal_child(pid_t pid)
{
	ui_signal_child_group(pid, FALSE);
}
