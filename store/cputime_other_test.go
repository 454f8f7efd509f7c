//go:build !unix

package store

// cpuTime cannot be read here.
func cpuTime() (float64, bool) { return 0, false }
