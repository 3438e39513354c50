"""Pages, split by domain. Views stay thin: check access, parse input, call one service, render."""
