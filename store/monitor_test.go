package store

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"
)

func TestClaimLeases(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		now := day0
		var domains []string
		for i := range 60 {
			domains = append(domains, fmt.Sprintf("d%02d.example", i))
		}
		if err := s.Schedule(ctx, domains, now); err != nil {
			t.Fatal(err)
		}
		// Three monitors (three pools of connections, as three
		// processes) claim at once: every domain once.
		stores := []Store{s}
		for range 2 {
			o, err := Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			stores = append(stores, o)
		}
		var mu sync.Mutex
		seen := map[string]string{}
		var wg sync.WaitGroup
		for i, st := range stores {
			owner := fmt.Sprintf("m%d", i)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := st.Claim(ctx, owner, 7, now, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, d := range got {
						if prev, ok := seen[d]; ok {
							t.Errorf("%s claimed by %s and %s", d, prev, owner)
						}
						seen[d] = owner
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != len(domains) {
			t.Fatalf("%d domains claimed, want %d", len(seen), len(domains))
		}
		// m0 checks its domains; m1 and m2 die with theirs leased.
		for d, owner := range seen {
			if owner == "m0" {
				if ok, err := s.Done(ctx, "m0", d, now.Add(time.Hour)); err != nil || !ok {
					t.Fatalf("Done(%s) = %v, %v", d, ok, err)
				}
			}
		}
		if got, _ := s.Claim(ctx, "m3", 100, now.Add(30*time.Second), time.Minute); len(got) != 0 {
			t.Errorf("claimed %d domains under live leases", len(got))
		}
		// After the lease, their domains go to another monitor; m0's are
		// not due yet.
		later, err := s.Claim(ctx, "m3", 100, now.Add(2*time.Minute), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for d, owner := range seen {
			if owner != "m0" {
				want = append(want, d)
			}
		}
		sort.Strings(want)
		if fmt.Sprint(later) != fmt.Sprint(want) {
			t.Errorf("after the leases ended: claimed %v, want %v", later, want)
		}
		// The dead monitor's late Done changes nothing.
		if len(later) > 0 {
			if ok, err := s.Done(ctx, seen[later[0]], later[0], now.Add(time.Hour)); err != nil || ok {
				t.Errorf("a late Done = %v, %v; want false", ok, err)
			}
		}
	})
}
