//go:build unix

package widgets

import (
	"syscall"
	"time"
)

// cpuNow is the CPU time the process has used. Benchmarks report it per op
// beside wall time, which other work on a shared machine inflates.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
