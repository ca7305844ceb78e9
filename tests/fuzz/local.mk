## fuzz: libFuzzer harnesses (--enable-fuzzing) and hostile-input tests.
