package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"time"
)

// hostCheck measures how steady this machine's CPUs are, so that a run's
// figures can be read against the state of the machine they came from. On
// shared virtual machines a vCPU can run several times slower for stretches
// of tens to hundreds of milliseconds (other tenants of the host), which
// sets the tail latency of anything CPU-bound, whatever its code.
//
// On every CPU at once it spins in 2 ms windows, one in five of each 10 ms
// (so it leaves the machine mostly idle, like a lightly loaded server), and
// counts the loop iterations per nanosecond of each window. It reports the
// share of windows below half the median speed and the speed of the slowest
// 1 % of windows.
func hostCheck(d time.Duration) (slowShare, p1Speed float64) {
	var mu sync.Mutex
	var rates []float64
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var local []float64
			end := time.Now().Add(d)
			for time.Now().Before(end) {
				ws := time.Now()
				n := 0
				for time.Since(ws) < 2*time.Millisecond {
					for i := 0; i < 1000; i++ {
						n++
					}
				}
				local = append(local, float64(n)/float64(time.Since(ws)))
				time.Sleep(8 * time.Millisecond)
			}
			mu.Lock()
			rates = append(rates, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(rates) == 0 {
		return 0, 0
	}
	slices.Sort(rates)
	med := rates[len(rates)/2]
	slow := 0
	for _, r := range rates {
		if r < med/2 {
			slow++
		}
	}
	return float64(slow) / float64(len(rates)), rates[len(rates)/100] / med
}

// printHostCheck runs hostCheck and prints its line.
func printHostCheck(out io.Writer, d time.Duration) {
	slow, p1 := hostCheck(d)
	fmt.Fprintf(out, "host check (%s, all CPUs, 20%% duty): %.1f%% of 2 ms windows ran below half speed; the slowest 1%% at %.0f%% of median speed\n",
		d, 100*slow, 100*p1)
}
