package dmarc_test

import (
	"context"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
)

// walkZone holds the tree-walk scenarios: a policy at the organizational
// domain found from a subdomain, a deep name that takes the 7-label
// shortcut, an intermediate psd=n organization, a public suffix operator
// with psd=y, several records at one name, records that are not DMARC, and
// a non-existent author domain.
const walkZone = `
_dmarc.example.com.            IN TXT "v=DMARC1; p=reject; sp=quarantine; np=reject; rua=mailto:dmarc@example.com"
mail.example.com.              IN A 192.0.2.1
a.mail.example.com.            IN A 192.0.2.2
_dmarc.tld.                    IN TXT "v=DMARC1; p=reject; psd=y"
_dmarc.org.psd-child.tld.      IN TXT "v=DMARC1; p=none"
_dmarc.dept.corp.example.net.  IN TXT "v=DMARC1; p=quarantine; psd=n"
_dmarc.corp.example.net.       IN TXT "v=DMARC1; p=reject"
x.dept.corp.example.net.       IN A 192.0.2.3
_dmarc.twice.example.org.      IN TXT "v=DMARC1; p=reject"
_dmarc.twice.example.org.      IN TXT "v=DMARC1; p=none"
_dmarc.example.org.            IN TXT "v=DMARC1; p=quarantine"
_dmarc.notdmarc.example.org.   IN TXT "v=spf1 -all"
_dmarc.notdmarc.example.org.   IN TXT "some verification token"
notdmarc.example.org.          IN A 192.0.2.4
twice.example.org.             IN A 192.0.2.5
only.sub.example.edu.          IN A 192.0.2.6
_dmarc.co.uk.                  IN TXT "v=DMARC1; p=reject; psd=y"
_dmarc.shop.co.uk.             IN TXT "v=DMARC1; p=none; rua=mailto:d@shop.co.uk"
www.shop.co.uk.                IN A 192.0.2.7
`

func queriesOf(d *dmarc.Discovery) []string {
	var out []string
	for _, q := range d.Queries {
		out = append(out, q.Name)
	}
	return out
}

func TestDiscoverTreeWalk(t *testing.T) {
	deep := "a.b.c.d.e.f.g.h.i.j.mail.example.com"
	tests := []struct {
		name      string
		author    string
		rules     dmarc.Rules
		policyDom string // "" when no policy applies
		org       string
		policy    dmarc.Policy
		tag       string
		queries   []string
	}{
		// The policy is found at once; the organizational-domain walk goes on
		// to the record with the fewest labels, so _dmarc.com is asked too.
		{"record at the author domain", "example.com", dmarc.RFC9989, "example.com", "example.com", "reject", "p",
			[]string{"_dmarc.example.com", "_dmarc.com"}},
		{"subdomain: walk up to the organizational domain", "a.mail.example.com", dmarc.RFC9989, "example.com", "example.com", "quarantine", "sp",
			[]string{"_dmarc.a.mail.example.com", "_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com", "a.mail.example.com (A)"}},
		{"non-existent subdomain: np", "nx.example.com", dmarc.RFC9989, "example.com", "example.com", "reject", "np",
			[]string{"_dmarc.nx.example.com", "_dmarc.example.com", "_dmarc.com", "nx.example.com (A)"}},
		{"deep name: the 7-label shortcut, 8 queries at most", deep, dmarc.RFC9989, "example.com", "example.com", "reject", "np",
			[]string{"_dmarc." + deep, "_dmarc.g.h.i.j.mail.example.com", "_dmarc.h.i.j.mail.example.com", "_dmarc.i.j.mail.example.com",
				"_dmarc.j.mail.example.com", "_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com", deep + " (A)"}},
		{"psd=n stops the organizational walk", "x.dept.corp.example.net", dmarc.RFC9989, "dept.corp.example.net", "dept.corp.example.net", "quarantine", "sp",
			[]string{"_dmarc.x.dept.corp.example.net", "_dmarc.dept.corp.example.net", "x.dept.corp.example.net (A)"}},
		// The policy comes from the first record (org.psd-child.tld); the
		// organizational walk goes past it (no psd tag) to tld's psd=y, so
		// the organization is the name one label below tld.
		{"psd=y: the domain below the PSD is the organization", "mail.org.psd-child.tld", dmarc.RFC9989, "org.psd-child.tld", "psd-child.tld", "none", "np",
			[]string{"_dmarc.mail.org.psd-child.tld", "_dmarc.org.psd-child.tld", "_dmarc.psd-child.tld", "_dmarc.tld", "mail.org.psd-child.tld (A)"}},
		{"PSD policy for a name with no record of its own", "nobody.tld", dmarc.RFC9989, "tld", "nobody.tld", "reject", "np",
			[]string{"_dmarc.nobody.tld", "_dmarc.tld", "nobody.tld (A)"}},
		{"several records at one name are discarded", "twice.example.org", dmarc.RFC9989, "example.org", "example.org", "quarantine", "sp",
			[]string{"_dmarc.twice.example.org", "_dmarc.example.org", "_dmarc.org", "twice.example.org (A)"}},
		{"records that are not DMARC are ignored", "notdmarc.example.org", dmarc.RFC9989, "example.org", "example.org", "quarantine", "sp",
			[]string{"_dmarc.notdmarc.example.org", "_dmarc.example.org", "_dmarc.org", "notdmarc.example.org (A)"}},
		{"no record anywhere", "only.sub.example.edu", dmarc.RFC9989, "", "only.sub.example.edu", "", "",
			[]string{"_dmarc.only.sub.example.edu", "_dmarc.sub.example.edu", "_dmarc.example.edu", "_dmarc.edu"}},
		{"RFC 7489: author, then the PSL organizational domain", "a.mail.example.com", dmarc.RFC7489, "example.com", "example.com", "quarantine", "sp",
			[]string{"_dmarc.a.mail.example.com", "_dmarc.example.com"}},
		{"RFC 7489 has no np", "nx.example.com", dmarc.RFC7489, "example.com", "example.com", "quarantine", "sp",
			[]string{"_dmarc.nx.example.com", "_dmarc.example.com"}},
		{"RFC 7489 on a multi-label suffix", "www.shop.co.uk", dmarc.RFC7489, "shop.co.uk", "shop.co.uk", "none", "sp",
			[]string{"_dmarc.www.shop.co.uk", "_dmarc.shop.co.uk"}},
		{"RFC 9989 on the same name: the walk finds shop.co.uk first", "www.shop.co.uk", dmarc.RFC9989, "shop.co.uk", "shop.co.uk", "none", "sp",
			[]string{"_dmarc.www.shop.co.uk", "_dmarc.shop.co.uk", "_dmarc.co.uk", "www.shop.co.uk (A)"}},
	}
	z := dnstest.MustZone(walkZone)
	for rname, r := range dnstest.Resolvers(t, z) {
		for _, tc := range tests {
			t.Run(rname+"/"+tc.name, func(t *testing.T) {
				d, err := tc.rules.Discover(context.Background(), r, tc.author)
				if err != nil {
					t.Fatal(err)
				}
				if d.PolicyDomain != tc.policyDom || d.OrgDomain != tc.org || d.Policy != tc.policy || d.PolicyTag != tc.tag {
					t.Errorf("policy domain %q org %q policy %s (%s); want %q %q %s (%s)", d.PolicyDomain, d.OrgDomain, d.Policy, d.PolicyTag, tc.policyDom, tc.org, tc.policy, tc.tag)
				}
				if got := queriesOf(d); strings.Join(got, " ") != strings.Join(tc.queries, " ") {
					t.Errorf("queries\n got %v\nwant %v", got, tc.queries)
				}
				n := 0
				for _, q := range d.Queries {
					if strings.HasPrefix(q.Name, "_dmarc.") {
						n++
					}
				}
				if n > 8 {
					t.Errorf("%d _dmarc queries", n)
				}
			})
		}
	}
}

func TestDiscoverFindings(t *testing.T) {
	z := dnstest.MustZone(walkZone)
	d, err := dmarc.Discover(context.Background(), z, "twice.example.org")
	if err != nil {
		t.Fatal(err)
	}
	checkParams(t, d.Findings)
	if !hasCode(d.Findings, dmarc.CodeMultiple) {
		t.Errorf("findings %v", d.Findings)
	}
	d, err = dmarc.Discover(context.Background(), z, "only.sub.example.edu")
	if err != nil || d.Record != nil || !hasCode(d.Findings, dmarc.CodeNoRecord) {
		t.Errorf("no record: %+v %v", d, err)
	}
	checkParams(t, d.Findings)
	z.Fail("_dmarc.broken.example", "", dnsrec.ErrServFail)
	if _, err := dmarc.Discover(context.Background(), z, "broken.example"); err == nil {
		t.Error("a SERVFAIL gave no error")
	}
}

func TestOrgDomain(t *testing.T) {
	z := dnstest.MustZone(walkZone)
	ctx := context.Background()
	for _, tc := range []struct {
		rules       dmarc.Rules
		domain, org string
	}{
		{dmarc.RFC9989, "a.mail.example.com", "example.com"},
		{dmarc.RFC9989, "x.dept.corp.example.net", "dept.corp.example.net"},
		{dmarc.RFC9989, "corp.example.net", "corp.example.net"},
		{dmarc.RFC9989, "mail.org.psd-child.tld", "psd-child.tld"},
		{dmarc.RFC9989, "tld", "tld"},
		{dmarc.RFC9989, "only.sub.example.edu", "only.sub.example.edu"},
		{dmarc.RFC7489, "only.sub.example.edu", "example.edu"},
		{dmarc.RFC7489, "www.shop.co.uk", "shop.co.uk"},
		{dmarc.RFC7489, "bücher.example.com", "example.com"},
	} {
		got, err := tc.rules.OrgDomain(ctx, z, tc.domain)
		if err != nil || got != tc.org {
			t.Errorf("%s OrgDomain(%s) = %q, %v; want %q", tc.rules, tc.domain, got, err, tc.org)
		}
	}
}

func hasCode(fs []plan.Finding, code plan.Code) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

// Records a receiver must apply, by RFC 9989's grammar and its rule that a
// malformed or unknown part is ignored, not the record (Section 4.7), over
// the in-memory zone and over loopback DNS.
func TestDiscoverAppliesWhatReceiversApply(t *testing.T) {
	z := dnstest.MustZone(`
_dmarc.spaces.example.   IN TXT "v = DMARC1; p = reject"
_dmarc.upper.example.    IN TXT "V=DMARC1; p=reject"
_dmarc.notag.example.    IN TXT "v=DMARC1; p=reject; rua=mailto:d@notag.example; ruf"
_dmarc.unknown.example.  IN TXT "v=DMARC1; p=reject; x-custom=1"
_dmarc.stray.example.    IN TXT "v=DMARC1; p=reject; =x"
_dmarc.leading.example.  IN TXT " v=DMARC1; p=reject"
_dmarc.badsp.example.    IN TXT "v=DMARC1; p=reject; sp=bogus; rua=mailto:d@badsp.example"
_dmarc.badspnorua.example. IN TXT "v=DMARC1; p=reject; sp=bogus"
_dmarc.twice.example.    IN TXT "v=DMARC1; p=reject; p=none"
`)
	for rname, r := range dnstest.Resolvers(t, z) {
		for _, tc := range []struct {
			domain string
			policy dmarc.Policy // "" when no record applies
		}{
			{"spaces.example", dmarc.PolicyReject},
			{"upper.example", dmarc.PolicyReject},
			{"notag.example", dmarc.PolicyReject},
			{"unknown.example", dmarc.PolicyReject},
			{"stray.example", dmarc.PolicyReject},
			{"leading.example", ""},                 // not a DMARC record: it does not start with v=
			{"sub.badsp.example", dmarc.PolicyNone}, // invalid sp with a valid rua: none
			{"sub.badspnorua.example", ""},          // invalid sp without rua: the record is not used
			{"twice.example", ""},                   // a repeated tag stays fatal
		} {
			d, err := dmarc.Discover(context.Background(), r, tc.domain)
			if err != nil {
				t.Fatalf("%s %s: %v", rname, tc.domain, err)
			}
			got := dmarc.Policy("")
			if d.Record != nil {
				got = d.Policy
			}
			if got != tc.policy {
				t.Errorf("%s %s: policy %q, want %q (%v)", rname, tc.domain, got, tc.policy, d.Findings)
			}
		}
	}
}
