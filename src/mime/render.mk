## render: message -> safe terminal lines (owned by the render work).
