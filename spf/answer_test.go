package spf

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
)

// TestParsedRecordMatchesParse: the form evaluation reads holds what Parse
// finds, term by term: kind, qualifier, network, prefix lengths,
// domain-spec and canonical text, for records written in canonical form
// and otherwise, and split into several strings.
func TestParsedRecordMatchesParse(t *testing.T) {
	records := []string{
		"v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.10 ip6:2001:db8::/32 include:spf.protection.outlook.com a mx ~all",
		"v=spf1 IP4:192.0.2.1 Ip6:2001:DB8:0:0::1/64 +A:Example.COM/24//64 -MX//96 ?Include:x.example ~ALL",
		"v=spf1 ip6:::ffff:192.0.2.1 ip6:2001:0db8::1 exists:%{i}.bl.example ptr ptr:example.org Redirect=r.example EXP=exp.example",
		"v=spf1 a/32 mx:mx.example//128 ip4:10.0.0.0/8 unknown=%{d}x moDifier=abc -all",
		"v=spf1",
		"v=spf1  ip4:192.0.2.1   -all ",
		`v=spf1 exists:%{i}.x"y.example a:back\slash.example -all`,
	}
	for _, text := range records {
		agreesWithParse(t, text)
	}
	// Not SPF, two records, a broken one.
	for _, tc := range []struct {
		txt   [][]string
		count int
		ok    bool
	}{
		{[][]string{{"google-site-verification=abc"}}, 0, false},
		{[][]string{{"v=spf1 -all"}, {"v=spf1 ", "+all"}}, 2, false},
		{[][]string{{"v=spf1 ip4:300.0.0.1"}}, 1, false},
		{[][]string{{"v=sp", "f1 -all"}}, 1, true},
		{[][]string{{"v=spf10 -all"}}, 0, false},
	} {
		a := &dnsrec.Answer{}
		for _, strs := range tc.txt {
			a.Records = append(a.Records, dnsrec.Record{Type: dnsrec.TypeTXT, Txt: strs})
		}
		p := parseAnswer(a).(*parsedRecord)
		if int(p.count) != tc.count || p.ok != tc.ok {
			t.Errorf("%q: count %d ok %v, want %d %v", tc.txt, p.count, p.ok, tc.count, tc.ok)
		}
		if p.count == 1 && !p.ok {
			_, want := Parse(strings.Join(tc.txt[0], ""))
			if p.err == nil || p.err.Error() != want.Error() {
				t.Errorf("%q: error %v, want %v", tc.txt, p.err, want)
			}
		}
	}
}

// agreesWithParse checks parseAnswer against Parse for one text, published
// as one string and split in several.
func agreesWithParse(t *testing.T, text string) {
	t.Helper()
	rec, perr := Parse(text)
	splits := [][]string{{text}, dnsrec.SplitTXT(text), {text[:len(text)/2], text[len(text)/2:]}}
	if len(text) > 9 {
		splits = append(splits, []string{text[:3], text[3:9], text[9:]})
	}
	for _, strs := range splits {
		a := &dnsrec.Answer{Records: []dnsrec.Record{{Type: dnsrec.TypeTXT, Txt: strs}}}
		p := parseAnswer(a).(*parsedRecord)
		if perr != nil {
			if IsSPF(text) && (p.ok || p.err == nil || p.err.Error() != perr.Error()) {
				t.Fatalf("%q in %d strings: ok %v, err %v, want %v", text, len(strs), p.ok, p.err, perr)
			}
			continue
		}
		if !p.ok || p.err != nil || p.recordText() != text || len(p.terms) != len(rec.Terms) {
			t.Fatalf("%q in %d strings: ok %v, err %v, text %q, %d terms, want %d", text, len(strs), p.ok, p.err, p.recordText(), len(p.terms), len(rec.Terms))
		}
		for i, want := range rec.Terms {
			got := &p.terms[i]
			if p.termText(i) != want.String() {
				t.Errorf("%q term %d: text %q, want %q", text, i, p.termText(i), want.String())
			}
			if got.isModifier() != want.IsModifier() || got.status() != want.Qualifier.Status() ||
				prefixLen(got.cidr4) != want.CIDR4 || prefixLen(got.cidr6) != want.CIDR6 || p.spec(i) != want.Domain || got.queriesDNS() != want.queriesDNS() {
				t.Errorf("%q term %d: %+v, want %+v", text, i, *got, want)
			}
			if (want.Mechanism == MechIP4 || want.Mechanism == MechIP6) && p.network(i) != want.Net {
				t.Errorf("%q term %d: network %v, want %v", text, i, p.network(i), want.Net)
			}
		}
		if p.quoted != "" && p.quoted != `record "`+text+`"` {
			t.Errorf("%q: note %q", text, p.quoted)
		}
		if got, want := p.notes().record, "record "+strconv.Quote(text); got != want {
			t.Errorf("%q: note %q, want %q", text, got, want)
		}
	}
}

// FuzzParsedRecord: the form evaluation reads agrees with Parse on any
// text.
func FuzzParsedRecord(f *testing.F) {
	for _, s := range []string{
		"v=spf1 ip4:192.0.2.0/24 IP6:2001:DB8::/32 Include:x.example a/24//64 mx:y.example ~all",
		"v=spf1 exists:%{i}.x.example redirect=r.example exp=e.example foo=bar",
		"v=spf1 ip4:192.0.2.1/33", "v=spf1 -all -all",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 2000 {
			return
		}
		agreesWithParse(t, s)
	})
}

// fastSeeds are records whose terms sit on the edges of addFast's forms.
var fastSeeds = []string{
	"v=spf1 ip4:192.0.2.0/24 ip4:0.0.0.0/0 ip4:255.255.255.255/32 ip6:::/0 ip6:2001:db8::/32 all -all",
	"v=spf1 ip4:01.2.3.4 ip4:1.2.3.04 ip4:256.1.1.1 ip4:1.2.3 ip4:1.2.3.4.5 ip4:1.2.3.4/ ip4:1.2.3.4/033 ip4:1.2.3.4/33 ip4:1.2.3.1234",
	"v=spf1 ip4:1.2.3.4: ip4:1.2.3.4/8/8 ip4:1..3.4 ip4:.1.2.3 ip4: ip4 +ip4:1.2.3.4 -ip4:1.2.3.4/0 ~ip4:9.9.9.9 ?ip4:8.8.8.8",
	"v=spf1 ip6:2001:DB8::1 ip6:2001:0db8::1 ip6:::ffff:192.0.2.1 ip6:1.2.3.4 ip6:fe80::1%eth0 ip6:2001:db8::/129 ip6:2001:db8::/064",
	"v=spf1 ALL all/1 all:x +all -all ~all ?all ++all IP4:1.2.3.4 iP6:::1 ip4:1.2.3.4 ip4=1.2.3.4 all=x",
	"v=spf1 a mx -a ~mx A MX a/24 mx//64 a:x.example mx:y.example a: mx= a=b mxx aa",
	"v=spf1 include:x.example -include:_spf.Example.COM exists:%{i}.x.example include:%{d}.x include: include:x include:x.123 include:x.example. exists:a=b.example include:x.exa%mple",
	"v=spf1 Include:x.example EXISTS:x.example include=x.example include:x/24 include:x..example include:.x.example exists:%{p}.x.example include:%{z}.example",
}

// TestFastTermAgrees: the fast path reads every term it takes as parseTerm
// does, and takes none that parseTerm refuses.
func TestFastTermAgrees(t *testing.T) {
	for _, s := range fastSeeds {
		fastAgrees(t, s)
		for _, term := range strings.Fields(s)[1:] {
			fastAgrees(t, "v=spf1 "+term)
			fastAgrees(t, "v=spf1 "+term+" -all")
		}
	}
	// The fast path is taken where it should be.
	for _, term := range []string{"all", "-all", "ip4:192.0.2.1", "~ip4:10.0.0.0/8", "ip6:2001:db8::/32", "ip6:::1", "a", "-mx", "include:_spf.example.com", "exists:%{i}.x.example"} {
		var p parsedRecord
		p.all = -1
		if !p.addFast(term, 0, len(term)) {
			t.Errorf("addFast(%q) leaves it to parseTerm", term)
		}
	}
}

// fastAgrees compares the record parsed with and without the fast path.
func fastAgrees(t *testing.T, text string) {
	t.Helper()
	var fast, slow parsedRecord
	fast.parse(text, true)
	slow.parse(text, false)
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	if errText(fast.err) != errText(slow.err) || fast.ok != slow.ok || fast.text != slow.text ||
		fast.all != slow.all || fast.redirect != slow.redirect || fast.exp != slow.exp {
		t.Fatalf("%q: fast path ok %v err %v text %q, without it ok %v err %v text %q", text, fast.ok, fast.err, fast.text, slow.ok, slow.err, slow.text)
	}
	if !slices.Equal(fast.terms, slow.terms) || !slices.Equal(fast.doms, slow.doms) || !slices.Equal(fast.v6, slow.v6) {
		t.Fatalf("%q: fast path terms %+v, without it %+v", text, fast.terms, slow.terms)
	}
}

// FuzzParseFast: the fast path and parseTerm read any text alike.
func FuzzParseFast(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 2000 {
			return
		}
		fastAgrees(t, s)
	})
}

// TestContainsAgrees: a range holds an address exactly when its network
// does, whatever the prefix length and the address's family.
func TestContainsAgrees(t *testing.T) {
	var p parsedRecord
	p.parse("v=spf1 ip4:0.0.0.0/0 ip4:192.0.2.128/25 ip4:192.0.2.1 ip4:192.0.2.1/31 ip4:10.0.0.0/8 ip4:255.255.255.255/1 ip6:::/0 ip6:2001:db8::/32 ip6:2001:db8::1 ip6:::ffff:192.0.2.1/120", true)
	if !p.ok {
		t.Fatal(p.err)
	}
	addrs := []string{"192.0.2.1", "192.0.2.0", "192.0.2.129", "192.0.2.255", "10.1.2.3", "11.0.0.0", "128.0.0.1", "127.255.255.255", "0.0.0.0",
		"2001:db8::1", "2001:db8::2", "2001:db9::1", "::ffff:192.0.2.1", "::"}
	for i := range p.terms {
		for _, s := range addrs {
			ip := netip.MustParseAddr(s)
			if got, want := p.contains(i, ip), p.network(i).Contains(ip); got != want {
				t.Errorf("%s holds %s: %v, want %v", p.termText(i), ip, got, want)
			}
		}
	}
}
