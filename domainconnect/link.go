package domainconnect

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// ErrLink is wrapped by the errors of [Link.URL]: no synchronous flow at
// the DNS host, a template that must be signed without a key, a
// redirect_uri the template does not allow.
var ErrLink = errors.New("domainconnect: cannot make the apply link")

// Link is the synchronous flow's apply link for one customer (spec,
// Section "Apply Template URL").
type Link struct {
	Settings *Settings // the DNS host's settings: urlSyncUX
	Template *Template // providerId, serviceId, syncPubKeyDomain
	Instance Instance  // domain, host, variables and groups
	// RedirectURI is where the DNS host sends the customer back to, with
	// State; both optional.
	RedirectURI string
	State       string
	// Key signs the link, published under KeyName at the template's
	// syncPubKeyDomain ([KeyRecords]); required when the template has a
	// syncPubKeyDomain.
	Key     *rsa.PrivateKey
	KeyName string
}

// Query returns the link's query string before signing: domain, host
// (when there is one), the variables in name order, groupId (comma
// separated), redirect_uri and state, each value URL-encoded.
func (l Link) Query() string {
	var parts []string
	add := func(k, v string) { parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v)) }
	add("domain", dnsrec.TrimDot(strings.ToLower(l.Instance.Domain)))
	if l.Instance.Host != "" {
		add("host", strings.ToLower(l.Instance.Host))
	}
	names := make([]string, 0, len(l.Instance.Vars))
	for k := range l.Instance.Vars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		add(k, l.Instance.Vars[k])
	}
	if len(l.Instance.Groups) > 0 {
		add("groupId", strings.Join(l.Instance.Groups, ","))
	}
	if l.RedirectURI != "" {
		add("redirect_uri", l.RedirectURI)
	}
	if l.State != "" {
		add("state", l.State)
	}
	return strings.Join(parts, "&")
}

// URL returns the apply link:
// {urlSyncUX}/v2/domainTemplates/providers/{providerId}/services/{serviceId}/apply?{query},
// with sig= (the RS256 signature of the query, see [Sign]) and key= (the
// key's name) appended when the template requires signing or a Key is
// given. Unsigned, a redirect_uri must be on one of the template's
// syncRedirectDomain domains.
func (l Link) URL() (string, error) {
	if l.Settings == nil || l.Settings.URLSyncUX == "" {
		return "", fmt.Errorf("%w: the DNS host offers no synchronous flow (urlSyncUX)", ErrLink)
	}
	if l.Template == nil {
		return "", fmt.Errorf("%w: no template", ErrLink)
	}
	if _, err := checkURL(l.Settings.URLSyncUX); err != nil {
		return "", fmt.Errorf("%w: urlSyncUX: %w", ErrLink, err)
	}
	base := strings.TrimSuffix(l.Settings.URLSyncUX, "/") + "/v2/domainTemplates/providers/" +
		url.PathEscape(l.Template.ProviderID) + "/services/" + url.PathEscape(l.Template.ServiceID) + "/apply"
	q := l.Query()
	if l.Key == nil {
		if l.Template.SyncPubKeyDomain != "" {
			return "", fmt.Errorf("%w: the template must be signed (syncPubKeyDomain %s) and no key is given", ErrLink, l.Template.SyncPubKeyDomain)
		}
		if l.RedirectURI != "" && !redirectAllowed(l.RedirectURI, l.Template.SyncRedirectDomain) {
			return "", fmt.Errorf("%w: redirect_uri %q is on none of the template's syncRedirectDomain (%q), and the link is not signed", ErrLink, l.RedirectURI, l.Template.SyncRedirectDomain)
		}
		return base + "?" + q, nil
	}
	sig, err := Sign(l.Key, q)
	if err != nil {
		return "", err
	}
	name := l.KeyName
	if name == "" {
		name = DefaultKeyName
	}
	return base + "?" + q + "&sig=" + url.QueryEscape(sig) + "&key=" + url.QueryEscape(name), nil
}

// redirectAllowed reports whether uri is an https URL on one of the
// comma-separated domains (or below one).
func redirectAllowed(uri, domains string) bool {
	u, err := checkURL(uri)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, d := range strings.Split(domains, ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		if d != "" && (host == d || strings.HasSuffix(host, "."+d)) {
			return true
		}
	}
	return false
}

// SignedQuery splits a received apply link's raw query into the part
// that was signed (everything but sig= and key=), the signature and the
// key name, as a DNS host does before verifying.
func SignedQuery(rawQuery string) (signed, sig, key string, err error) {
	var keep []string
	for _, p := range strings.Split(rawQuery, "&") {
		k, v, _ := strings.Cut(p, "=")
		switch k {
		case "sig", "key":
			dv, derr := url.QueryUnescape(v)
			if derr != nil {
				return "", "", "", fmt.Errorf("%w: %s: %w", ErrKey, k, derr)
			}
			if k == "sig" {
				sig = dv
			} else {
				key = dv
			}
		default:
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "&"), sig, key, nil
}
