package domainconnect_test

import (
	"context"
	"testing"

	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/domainconnect"
)

// BenchmarkOffer is the whole decision for one domain with a link
// offered (klant.example): the plan's changes classified, discovery over
// HTTPS on loopback, the template query, the template and the plan each
// applied in memory and the domain checked twice more, the link signed.
// The check before it is not counted.
func BenchmarkOffer(b *testing.B) {
	ctx := context.Background()
	zone := demoZone(b)
	p := demoProfile(b)
	tpl, err := domainconnect.FromProfile(p, domainconnect.Service{})
	if err != nil {
		b.Fatal(err)
	}
	key := signingKey(b)
	host := newStandIn(b, zone, tpl)
	host.publish(b, "klant.example")
	checker := &domaincheck.Checker{Profile: p, Resolver: zone}
	o := &domainconnect.Offerer{Checker: checker, Template: tpl, Config: host.config(zone), Key: key}
	rep := checker.Check(ctx, "klant.example")
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if off := o.Offer(ctx, rep, ""); !off.Offered {
			b.Fatal(off.Reason)
		}
	}
}

// BenchmarkApply is the template applied to the zone as read, in memory.
func BenchmarkApply(b *testing.B) {
	ctx := context.Background()
	zone := demoZone(b)
	tpl, err := domainconnect.FromProfile(demoProfile(b), domainconnect.Service{})
	if err != nil {
		b.Fatal(err)
	}
	in := domainconnect.Instance{Domain: "customer.example"}
	b.ReportAllocs()
	for range b.N {
		if _, err := tpl.Apply(ctx, zone, in); err != nil {
			b.Fatal(err)
		}
	}
}
