package domainconnect_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domainconnect"
)

// hostApply is the stand-in DNS host's own application of a template to
// its zone, written apart from Template.Apply (which the vendor uses to
// predict it), straight from the spec's rules: the round trip then shows
// that the prediction matches what a host does.
func hostApply(ctx context.Context, z *dnstest.Zone, tpl *domainconnect.Template, domain, host string, groups []string, vars map[string]string) error {
	fqdn := strings.ToLower(domain)
	if host != "" {
		fqdn = strings.ToLower(host) + "." + fqdn
	}
	expand := func(s string) string {
		s = strings.ReplaceAll(s, "%domain%", domain)
		s = strings.ReplaceAll(s, "%host%", host)
		s = strings.ReplaceAll(s, "%fqdn%", fqdn)
		for k, v := range vars {
			s = strings.ReplaceAll(s, "%"+k+"%", v)
		}
		return s
	}
	want := map[string]bool{}
	for _, g := range groups {
		want[g] = true
	}
	txtAt := func(name string) ([]dnsrec.Record, error) {
		a, err := z.Lookup(ctx, name, dnsrec.TypeTXT)
		if err != nil || len(a.CNAMEs) > 0 {
			return nil, err
		}
		return a.Records, nil
	}
	for _, r := range tpl.Records {
		if len(groups) > 0 && r.GroupID != "" && !want[r.GroupID] {
			continue
		}
		h := expand(r.Host)
		name := fqdn + "."
		switch {
		case h == "" || h == "@":
		case strings.HasSuffix(h, "."):
			name = h
		default:
			name = h + "." + fqdn + "."
		}
		ttl := r.TTL
		if ttl == 0 {
			ttl = 3600
		}
		z.Remove(name, dnsrec.TypeCNAME) // every record type here conflicts with a CNAME
		var add string
		switch r.Type {
		case domainconnect.TypeCNAME:
			for _, t := range []dnsrec.Type{dnsrec.TypeTXT, dnsrec.TypeA, dnsrec.TypeAAAA, dnsrec.TypeMX} {
				z.Remove(name, t)
			}
			add = fmt.Sprintf("%s %d IN CNAME %s.", name, ttl, expand(r.PointsTo))
		case domainconnect.TypeTXT:
			data := expand(r.Data)
			txt, err := txtAt(name)
			if err != nil {
				return err
			}
			for _, old := range txt {
				v := old.Value()
				if r.ConflictMode == domainconnect.ConflictAll || v == data ||
					r.ConflictMode == domainconnect.ConflictPrefix && strings.HasPrefix(v, r.ConflictPrefix) {
					if err := z.RemoveRecord(old); err != nil {
						return err
					}
				}
			}
			if err := z.AddRecords(dnsrec.Record{Name: name, Type: dnsrec.TypeTXT, TTL: uint32(ttl), Txt: dnsrec.SplitTXT(data)}); err != nil {
				return err
			}
		case domainconnect.TypeSPFM:
			txt, err := txtAt(name)
			if err != nil {
				return err
			}
			var spfs []dnsrec.Record
			for _, old := range txt {
				if strings.HasPrefix(strings.ToLower(old.Value()), "v=spf1 ") || strings.EqualFold(old.Value(), "v=spf1") {
					spfs = append(spfs, old)
				}
			}
			rules := strings.Fields(expand(r.SPFRules))
			merged := "v=spf1 " + strings.Join(rules, " ") + " ~all"
			if len(spfs) == 1 && !strings.Contains(strings.ToLower(spfs[0].Value()), "redirect=") {
				terms := strings.Fields(spfs[0].Value())[1:]
				var head, tail []string
				for i, t := range terms {
					if strings.HasSuffix(strings.ToLower(t), "all") {
						head, tail = terms[:i], terms[i:]
						break
					}
				}
				if tail == nil {
					head, tail = terms, []string{"~all"}
				}
				for _, rule := range rules {
					dup := false
					for _, t := range head {
						dup = dup || strings.EqualFold(strings.TrimPrefix(t, "+"), strings.TrimPrefix(rule, "+"))
					}
					if !dup {
						head = append(head, rule)
					}
				}
				merged = "v=spf1 " + strings.Join(append(head, tail...), " ")
			}
			for _, old := range spfs {
				if err := z.RemoveRecord(old); err != nil {
					return err
				}
			}
			if err := z.AddRecords(dnsrec.Record{Name: name, Type: dnsrec.TypeTXT, TTL: 3600, Txt: dnsrec.SplitTXT(merged)}); err != nil {
				return err
			}
		default:
			return fmt.Errorf("the stand-in does not apply %s records", r.Type)
		}
		if add != "" {
			if err := z.Add(add); err != nil {
				return err
			}
		}
	}
	return nil
}
