package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/plan"
	"github.com/miekg/dns"
)

// requireBIND is set by CI, which installs BIND: there, a missing named or
// nsupdate is a failure rather than a reason to skip.
const requireBIND = "DOMAINAUTH_REQUIRE_BIND"

// bind is a real BIND named, authoritative for the demo zones on a
// loopback port, accepting dynamic updates from 127.0.0.1.
type bind struct {
	addr string // 127.0.0.1:port
	cmd  *exec.Cmd
	log  *syncBuffer // named's log, each question it is asked included
}

func startBIND(t *testing.T) *bind {
	t.Helper()
	return startBINDWith(t, nil)
}

// startBINDWith starts named with the demo zones and the extra zone files
// given (zone name to zone-file text).
func startBINDWith(t *testing.T, extra map[string]string) *bind {
	t.Helper()
	named, err1 := exec.LookPath("named")
	_, err2 := exec.LookPath("nsupdate")
	if err1 != nil || err2 != nil {
		if os.Getenv(requireBIND) != "" {
			t.Fatalf("%s is set but BIND is missing (named: %v, nsupdate: %v)", requireBIND, err1, err2)
		}
		t.Skip("BIND (named, nsupdate) is not installed; CI installs it and sets " + requireBIND)
	}
	dir := t.TempDir()
	zones := zoneFiles(t)
	for z, text := range extra {
		zones[z] = text
	}
	var conf strings.Builder
	port := freePort(t)
	fmt.Fprintf(&conf, `options {
	directory %q;
	pid-file none;
	listen-on port %d { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation no;
	allow-query { any; };
	notify no;
	querylog yes;
};
controls { };
`, dir, port)
	var names []string
	for zone := range zones {
		names = append(names, zone)
	}
	sort.Strings(names)
	for _, zone := range names {
		file := strings.TrimSuffix(zone, ".") + ".zone"
		if err := os.WriteFile(filepath.Join(dir, file), []byte(zones[zone]), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&conf, "zone %q { type primary; file %q; allow-update { 127.0.0.1; }; };\n", zone, file)
	}
	confPath := filepath.Join(dir, "named.conf")
	if err := os.WriteFile(confPath, []byte(conf.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	b := &bind{addr: fmt.Sprintf("127.0.0.1:%d", port), log: &syncBuffer{}}
	b.cmd = exec.Command(named, "-g", "-c", confPath)
	b.cmd.Stdout, b.cmd.Stderr = b.log, b.log
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		b.cmd.Process.Kill()
		b.cmd.Wait()
		if t.Failed() {
			t.Logf("named's log:\n%s", b.log)
		}
	})
	// named answers while it still loads zones (SERVFAIL, "zone not
	// loaded"): the server is ready when every zone answers its SOA.
	c := b.client()
	pending := names
	for deadline := time.Now().Add(15 * time.Second); ; {
		for len(pending) > 0 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			_, err := c.Lookup(ctx, pending[0], dnsrec.TypeSOA)
			cancel()
			if err != nil {
				break
			}
			pending = pending[1:]
		}
		if len(pending) == 0 {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("named did not serve %s in time\n%s", pending[0], b.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (b *bind) client() *dnsrec.Client {
	return &dnsrec.Client{Servers: []string{b.addr}, Timeout: 2 * time.Second, Attempts: 2}
}

// nsupdate applies a script with the real nsupdate.
func (b *bind) nsupdate(t *testing.T, script string) {
	t.Helper()
	if out, err := b.nsupdateCmd(script).CombinedOutput(); err != nil {
		t.Fatalf("nsupdate: %v\n%s\nscript:\n%s", err, out, script)
	}
}

// nsupdateCmd is the real nsupdate sending script to this named over TCP
// with a minute to answer. Over UDP its 3-second timeout fired once in CI
// while named, starved of CPU by the race-detector tests beside it, was
// still applying the update; a retransmission would then meet its own
// applied change and fail the prerequisite.
func (b *bind) nsupdateCmd(script string) *exec.Cmd {
	host, port, _ := net.SplitHostPort(b.addr)
	cmd := exec.Command("nsupdate", "-v", "-t", "60")
	cmd.Stdin = strings.NewReader(fmt.Sprintf("server %s %s\n%s", host, port, script))
	return cmd
}

func freePort(t *testing.T) int {
	t.Helper()
	for range 20 {
		l, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.LocalAddr().(*net.UDPAddr).Port
		l.Close()
		// named listens on TCP too: the port must be free there as well.
		if tl, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			tl.Close()
			return port
		}
	}
	t.Fatal("no free port")
	return 0
}

// zoneFiles splits the demo zone into one zone file per zone (as
// dnsrec.ZoneOf assigns names), each with its own SOA and NS.
func zoneFiles(t *testing.T) map[string]string {
	t.Helper()
	zp := dns.NewZoneParser(strings.NewReader(demo.ZoneText()), ".", "")
	zp.SetDefaultTTL(dnsrec.DefaultTTL)
	out := map[string]*strings.Builder{}
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		if rr.Header().Rrtype == dns.TypeSOA {
			continue
		}
		zone := dnsrec.ZoneOf(rr.Header().Name)
		b := out[zone]
		if b == nil {
			b = &strings.Builder{}
			fmt.Fprintf(b, "$TTL 3600\n%s IN SOA ns.%s hostmaster.%s 1 7200 3600 1209600 300\n%s IN NS ns.nameserver.test.\n", zone, zone, zone, zone)
			out[zone] = b
		}
		fmt.Fprintln(b, rr.String())
	}
	if err := zp.Err(); err != nil {
		t.Fatal(err)
	}
	// The parent of every demo zone, so that the DMARC tree walk's question
	// for _dmarc.example. gets an answer (NXDOMAIN) rather than REFUSED.
	files := map[string]string{"example.": "$TTL 3600\nexample. IN SOA ns.example. hostmaster.example. 1 7200 3600 1209600 300\nexample. IN NS ns.nameserver.test.\n"}
	for zone, b := range out {
		files[zone] = b.String()
	}
	return files
}

// TestBIND checks every demo domain against a real BIND, applies the
// nsupdate scripts of the plans with the real nsupdate, and checks again:
// nothing is left to do, and no name holds two SPF or two DMARC records.
// The plans read from BIND are the plans read from the in-memory zone.
func TestBIND(t *testing.T) {
	b := startBIND(t)
	c := &domaincheck.Checker{Profile: demoProfile(t), Resolver: b.client()}
	memory := &domaincheck.Checker{Profile: demoProfile(t), Resolver: demo.Zone()}
	ctx := context.Background()
	applied := 0
	for _, domain := range demoDomains {
		rep := c.Check(ctx, domain)
		for _, a := range rep.Areas {
			if a.Status == domaincheck.StatusNotChecked {
				t.Errorf("%s: %s could not be checked: %s", domain, a.Name, a.Failed)
			}
		}
		want := memory.Check(ctx, domain)
		if got, want := rep.Plan.Changes.JSON(), want.Plan.Changes.JSON(); got != want {
			t.Errorf("%s: the plan read from BIND differs from the plan read from the in-memory zone:\n%s\nin memory:\n%s", domain, got, want)
		}
		if script := rep.Plan.Changes.NSUpdate(); script != "" {
			b.nsupdate(t, script)
			applied++
		}
		again := c.Check(ctx, domain)
		if len(again.Plan.Changes) != 0 {
			t.Errorf("%s: after nsupdate, still to do:\n%s", domain, again.Plan.Changes.Text())
		}
		assertOneRecordEach(t, b.client(), domain)
	}
	if applied < 8 {
		t.Errorf("only %d domains had changes to apply", applied)
	}
}

// TestNSUpdatePrerequisites: a script read before someone else edited the
// record set changes nothing, because its prerequisite names the whole set
// as it was.
func TestNSUpdatePrerequisites(t *testing.T) {
	b := startBIND(t)
	c := b.client()
	ctx := context.Background()
	v := demoProfile(t)
	pl, err := plan.Check(ctx, c, v.Requirements("customer.example", domaincheck.Evidence{})...)
	if err != nil {
		t.Fatal(err)
	}
	// Someone adds a verification record to the apex TXT set meanwhile.
	b.nsupdate(t, "zone customer.example.\nupdate add customer.example. 300 IN TXT \"google-site-verification=xyz\"\nsend\n")
	script := pl.Changes.For(plan.PartyCustomer).NSUpdate()
	out, err := b.nsupdateCmd(script).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "NXRRSET") {
		t.Errorf("a stale update applied (err %v):\n%s", err, out)
	}
	set, err := dnsrec.ReadSet(ctx, c, "customer.example", dnsrec.TypeTXT)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set {
		if strings.Contains(r.Value(), "spf.vendor.example") {
			t.Errorf("the stale SPF update was applied: %v", set)
		}
	}
}

// Zones of the hosted and delegated shapes, served by the same named: a
// customer whose DMARC record is hosted by a service behind a CNAME, and
// one whose _dmarc is a zone of its own, delegated.
var hostedZones = map[string]string{
	"hostedbind.example.": `$TTL 3600
hostedbind.example. IN SOA ns.hostedbind.example. hostmaster.hostedbind.example. 1 7200 3600 1209600 300
hostedbind.example. IN NS ns.nameserver.test.
hostedbind.example. IN TXT "v=spf1 include:spf.vendor.example -all"
default._domainkey.hostedbind.example. IN CNAME default._domainkey.vendor.example.
_dmarc.hostedbind.example. IN CNAME hostedbind.example._d.dmarc-service.example.
`,
	"dmarc-service.example.": `$TTL 3600
dmarc-service.example. IN SOA ns.dmarc-service.example. hostmaster.dmarc-service.example. 1 7200 3600 1209600 300
dmarc-service.example. IN NS ns.dmarc-service.test.
hostedbind.example._d.dmarc-service.example. IN TXT "v=DMARC1; p=reject; rua=mailto:reports@dmarc-service.example"
*._report._dmarc.dmarc-service.example. IN TXT "v=DMARC1"
`,
	"delegbind.example.": `$TTL 3600
delegbind.example. IN SOA ns.delegbind.example. hostmaster.delegbind.example. 1 7200 3600 1209600 300
delegbind.example. IN NS ns.nameserver.test.
delegbind.example. IN TXT "v=spf1 include:spf.vendor.example -all"
default._domainkey.delegbind.example. IN CNAME default._domainkey.vendor.example.
_dmarc.delegbind.example. IN NS ns.dmarc-service.test.
`,
	"_dmarc.delegbind.example.": `$TTL 3600
_dmarc.delegbind.example. IN SOA ns.dmarc-service.test. hostmaster.dmarc-service.example. 1 7200 3600 1209600 300
_dmarc.delegbind.example. IN NS ns.dmarc-service.test.
_dmarc.delegbind.example. IN TXT "v=DMARC1; p=quarantine; rua=mailto:reports@dmarc-service.example"
`,
}

// TestBINDHostedAndDelegated: against a real BIND serving a CNAME'd
// _dmarc and a delegated _dmarc zone, the plans send the DMARC change to
// the zone that really holds the record (never a TXT record beside the
// CNAME, never a weaker policy), the real nsupdate applies them there, and
// checking again leaves nothing.
func TestBINDHostedAndDelegated(t *testing.T) {
	b := startBINDWith(t, hostedZones)
	c := &domaincheck.Checker{Profile: demoProfile(t), Resolver: b.client()}
	ctx := context.Background()
	for domain, zone := range map[string]string{"hostedbind.example": "dmarc-service.example.", "delegbind.example": "_dmarc.delegbind.example."} {
		rep := c.Check(ctx, domain)
		if !rep.Ready {
			t.Errorf("%s: %s", domain, rep.Summary)
		}
		var dmarcChanges plan.Changes
		for _, ch := range rep.Plan.Changes {
			if ch.Stage == plan.StageDMARC {
				dmarcChanges = append(dmarcChanges, ch)
			}
		}
		if len(dmarcChanges) != 1 || dmarcChanges[0].Zone != zone || dmarcChanges[0].Party != plan.PartyOther {
			t.Fatalf("%s: the DMARC changes:\n%s", domain, dmarcChanges.Text())
		}
		if script := dmarcChanges.NSUpdate(); !strings.Contains(script, "zone "+zone+"\n") {
			t.Errorf("%s: the script does not update %s:\n%s", domain, zone, script)
		}
		b.nsupdate(t, rep.Plan.Changes.NSUpdate())
		again := c.Check(ctx, domain)
		if len(again.Plan.Changes) != 0 {
			t.Errorf("%s: after nsupdate, still to do:\n%s", domain, again.Plan.Changes.Text())
		}
		if d := again.Area(domaincheck.AreaDMARC); d.Blocking {
			t.Errorf("%s: DMARC blocks after the change: %+v", domain, d)
		}
		// The CNAME is still there, alone: no record was added beside it.
		if domain == "hostedbind.example" {
			cnames, _ := dnsrec.ReadSet(ctx, b.client(), "_dmarc.hostedbind.example", dnsrec.TypeCNAME)
			txt, _ := b.client().Lookup(ctx, "_dmarc.hostedbind.example", dnsrec.TypeTXT)
			if len(cnames) != 1 || len(txt.CNAMEs) != 1 || !strings.Contains(txt.Records[0].Value(), "p=reject") {
				t.Errorf("the hosted record: CNAME %v, TXT %+v", cnames, txt)
			}
		}
	}
}
