package main

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// libspf2Figure runs libspf2 (C, Debian's libspf2 through the driver of the
// peers harness, ../shared/spfpeers/drivers/libspf2, built with its
// Makefile) for cfg.n soft-failing checks one after another against the
// same server, and returns its figure: the driver's own checks/s (the
// timer covers only the loop) and the questions the server saw per check.
// The driver points libspf2's resolver at the server by interposing
// res_ninit; it runs in its own process, as the DNS server does.
func libspf2Figure(cfg config, driver string, srv *server) (figure, error) {
	ap, err := netip.ParseAddrPort(srv.addr)
	if err != nil {
		return figure{}, err
	}
	if !ap.Addr().Is4() || !ap.Addr().IsLoopback() {
		return figure{}, fmt.Errorf("libspf2's driver asks 127.0.0.1 only, the server is at %s", srv.addr)
	}
	dir, err := os.MkdirTemp("", "bench-libspf2")
	if err != nil {
		return figure{}, err
	}
	defer os.RemoveAll(dir)
	pairs := filepath.Join(dir, "pairs.tsv")
	line := "192.0.2.1\tbilling@" + customer + "\tsmtp.vendor.example\tsoftfail\n"
	if err := os.WriteFile(pairs, []byte(strings.Repeat(line, cfg.n)), 0o644); err != nil {
		return figure{}, err
	}
	var figs []figure
	for run := 0; run < cfg.runs; run++ {
		before, err := srv.served()
		if err != nil {
			return figure{}, err
		}
		srv0 := srv.cpu()
		// An empty control address: the driver's start-up check does not
		// ask the harness's server for its count.
		cmd := exec.Command(driver, "bench", pairs, fmt.Sprint(ap.Port()), "")
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			return figure{}, fmt.Errorf("libspf2 driver: %w", err)
		}
		srvCPU := srv.cpu() - srv0 // over the driver's start-up too
		after, err := srv.served()
		if err != nil {
			return figure{}, err
		}
		var res struct {
			Rate       float64 `json:"checks_per_sec"`
			Mismatches int     `json:"mismatches"`
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
			return figure{}, fmt.Errorf("libspf2 driver said %q: %w", out, err)
		}
		if res.Mismatches != 0 {
			return figure{}, fmt.Errorf("libspf2: %d of %d checks did not soft-fail", res.Mismatches, cfg.n)
		}
		// The process's CPU, start-up included (a few milliseconds).
		cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		var cs float64
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			cs = float64(ru.Nvcsw+ru.Nivcsw) / float64(cfg.n)
		}
		figs = append(figs, figure{
			rate:    res.Rate,
			queries: float64(after-before-1) / float64(cfg.n), // less the start-up check's question
			cpu:     cpu / time.Duration(cfg.n),
			srvCPU:  srvCPU / time.Duration(cfg.n),
			cs:      cs,
			sys:     cmd.ProcessState.SystemTime() / time.Duration(cfg.n),
		})
	}
	return median(figs), nil
}
