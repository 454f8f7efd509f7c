//go:build race

package feedback_test

// raceEnabled says the race detector is on: it allocates on its own, so
// allocation counts are not those of a normal build.
const raceEnabled = true
