package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMonitorHelper is one monitoring process of TestMonitorProcesses; it
// does nothing in a normal run.
func TestMonitorHelper(t *testing.T) {
	dsn, owner := os.Getenv("STORE_MONITOR_DSN"), os.Getenv("STORE_MONITOR_OWNER")
	if dsn == "" {
		return
	}
	ctx := context.Background()
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.(*sqlStore)
	start := time.Now()
	for {
		got, err := s.Claim(ctx, owner, 3, time.Now(), 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range got {
			fmt.Printf("claimed %s\n", d)
			time.Sleep(20 * time.Millisecond) // the check
			ok, err := s.Done(ctx, owner, d, start.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				fmt.Printf("checked %s\n", d)
			}
		}
		if len(got) > 0 {
			continue
		}
		var left int
		if err := db.db.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM monitor WHERE due_unix <= ?`), start.Unix()).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			fmt.Println("done")
			return
		}
		time.Sleep(100 * time.Millisecond) // a lease still running
	}
}

// Three monitor processes share the domains of one store; one is killed
// (SIGKILL) holding leases. Every domain is checked exactly once: the
// killed process's domains go to the others when its leases end.
func TestMonitorProcesses(t *testing.T) {
	if os.Getenv("STORE_MONITOR_DSN") != "" {
		return
	}
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		var domains []string
		for i := range 40 {
			domains = append(domains, fmt.Sprintf("d%02d.example", i))
		}
		if err := s.Schedule(ctx, domains, time.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		checked := map[string][]string{}
		claimedByVictim := map[string]bool{}
		var wg sync.WaitGroup
		cmds := make([]*exec.Cmd, 3)
		for i := range cmds {
			owner := fmt.Sprintf("p%d", i)
			cmd := exec.Command(os.Args[0], "-test.run=^TestMonitorHelper$", "-test.count=1")
			cmd.Env = append(os.Environ(), "STORE_MONITOR_DSN="+dsn, "STORE_MONITOR_OWNER="+owner)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds[i] = cmd
			wg.Add(1)
			go func() {
				defer wg.Done()
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					line := sc.Text()
					mu.Lock()
					if d, ok := strings.CutPrefix(line, "checked "); ok {
						checked[d] = append(checked[d], owner)
					}
					if d, ok := strings.CutPrefix(line, "claimed "); ok && owner == "p0" {
						claimedByVictim[d] = true
						if len(claimedByVictim) == 1 {
							// Killed in the middle of its first check.
							_ = cmds[0].Process.Kill()
						}
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		for _, cmd := range cmds {
			_ = cmd.Wait()
		}
		if len(claimedByVictim) == 0 {
			t.Fatal("the killed process claimed nothing")
		}
		for _, d := range domains {
			if len(checked[d]) != 1 {
				t.Errorf("%s checked %d times (%v)", d, len(checked[d]), checked[d])
			}
		}
		passed := 0
		for d := range claimedByVictim {
			if len(checked[d]) == 1 && checked[d][0] != "p0" {
				passed++
			}
		}
		if passed == 0 {
			t.Errorf("none of the killed process's domains %v went to another process", claimedByVictim)
		}
	})
}
