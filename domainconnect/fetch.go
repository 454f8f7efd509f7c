package domainconnect

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
)

// Errors of fetching a DNS host's documents. The URLs come from a TXT
// record whoever controls the domain writes, and from the settings
// document that record points to: each is treated as hostile.
var (
	// ErrNotHTTPS: the URL is not https://.
	ErrNotHTTPS = errors.New("domainconnect: not an https URL")
	// ErrAddress: the host resolves to an address that is not public
	// (loopback, private, link-local, shared CGNAT space, documentation,
	// multicast and other special ranges), or to none.
	ErrAddress = errors.New("domainconnect: the host does not resolve to a public address")
	// ErrRedirect: the server answered with a redirect, which is never
	// followed.
	ErrRedirect = errors.New("domainconnect: redirect refused")
	// ErrTooLarge: the body is larger than Config.MaxBody.
	ErrTooLarge = errors.New("domainconnect: response too large")
	// ErrTimeout: the request and its body took longer than
	// Config.Timeout. errors.Is(err, dnsrec.ErrTemporary) holds too.
	ErrTimeout = errors.New("domainconnect: the DNS host did not answer in time")
	// ErrStatus: an HTTP status other than 2xx (and 404 where it has a
	// meaning of its own).
	ErrStatus = errors.New("domainconnect: unexpected HTTP status")
)

// Defaults of [Config].
const (
	DefaultTimeout = 10 * time.Second
	DefaultMaxBody = 64 << 10
)

// Config says how the DNS host of a domain is discovered and asked. The
// zero value is the strict policy: https only, no redirects, public
// addresses only, [DefaultTimeout] per request (body included),
// [DefaultMaxBody] per body, the system's root certificates; it needs a
// Resolver.
type Config struct {
	// Resolver answers the _domainconnect TXT question, the zone cut
	// questions (SOA) and the addresses of the hosts in URLs (A, AAAA).
	Resolver dnsrec.Resolver
	// AllowAddress decides which addresses a URL's host may be reached
	// at; nil is [PublicAddress]. A test serving on loopback replaces it;
	// a program never should.
	AllowAddress func(netip.Addr) bool
	// RootCAs verify the hosts' certificates; nil is the system's.
	RootCAs *x509.CertPool
	// Timeout bounds each request, body included; 0 is DefaultTimeout.
	Timeout time.Duration
	// MaxBody bounds each body read; 0 is DefaultMaxBody.
	MaxBody int64
}

func (c *Config) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

func (c *Config) maxBody() int64 {
	if c.MaxBody <= 0 {
		return DefaultMaxBody
	}
	return c.MaxBody
}

func (c *Config) allowed(a netip.Addr) bool {
	if c.AllowAddress == nil {
		return PublicAddress(a)
	}
	return c.AllowAddress(a)
}

// special are the ranges [PublicAddress] refuses beside those netip
// names (loopback, private, link-local, multicast, unspecified).
var special = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",       // "this network" (RFC 791)
		"100.64.0.0/10",   // shared address space, carrier-grade NAT (RFC 6598)
		"192.0.0.0/24",    // IETF protocol assignments (RFC 6890)
		"192.0.2.0/24",    // documentation (RFC 5737)
		"198.18.0.0/15",   // benchmarking (RFC 2544)
		"198.51.100.0/24", // documentation (RFC 5737)
		"203.0.113.0/24",  // documentation (RFC 5737)
		"240.0.0.0/4",     // reserved, and the broadcast address (RFC 1112)
		"64:ff9b::/96",    // NAT64: an IPv4 address behind a translator (RFC 6052)
		"64:ff9b:1::/48",  // local-use NAT64 (RFC 8215)
		"100::/64",        // discard (RFC 6666)
		"2001::/23",       // IETF protocol assignments, Teredo among them (RFC 2928)
		"2001:db8::/32",   // documentation (RFC 3849)
		"2002::/16",       // 6to4: an IPv4 address inside (RFC 3056)
		"3fff::/20",       // documentation (RFC 9637)
		"fec0::/10",       // deprecated site-local (RFC 3879)
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// PublicAddress reports whether a is an address on the public Internet:
// not loopback, private (RFC 1918, RFC 4193), link-local, multicast,
// unspecified, shared CGNAT space, documentation, benchmarking, reserved,
// nor an IPv6 form that carries an IPv4 address through a translator.
func PublicAddress(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range special {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// checkURL refuses a URL that is not https:// or carries credentials.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrNotHTTPS, raw, err)
	}
	if u.Scheme != "https" || u.Host == "" || u.User != nil || u.Opaque != "" {
		return nil, fmt.Errorf("%w: %q", ErrNotHTTPS, raw)
	}
	return u, nil
}

// addresses resolves host through the Resolver (or reads it as an
// address), and refuses it unless every address is allowed: a host whose
// names mix a public address with a private one is refused.
func (c *Config) addresses(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		if !c.allowed(ip) {
			return nil, fmt.Errorf("%w: %s", ErrAddress, ip)
		}
		return []netip.Addr{ip}, nil
	}
	if c.Resolver == nil {
		return nil, dnsrec.ErrNoResolver
	}
	var out []netip.Addr
	for _, t := range []dnsrec.Type{dnsrec.TypeA, dnsrec.TypeAAAA} {
		a, err := c.Resolver.Lookup(ctx, host, t)
		if err != nil {
			return nil, err
		}
		out = append(out, a.Addrs()...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: %s has no address", ErrAddress, host)
	}
	for _, ip := range out {
		if !c.allowed(ip) {
			return nil, fmt.Errorf("%w: %s is %s", ErrAddress, host, ip)
		}
	}
	return out, nil
}

// client returns an HTTP client that dials only the addresses it checked
// itself (so that a second resolution cannot swap in another: DNS
// rebinding), uses no proxy, and follows no redirect.
func (c *Config) client() *http.Client {
	dialer := &net.Dialer{}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			ips, err := c.addresses(ctx, host)
			if err != nil {
				return nil, err
			}
			var errs []error
			for _, ip := range ips {
				conn, err := dialer.DialContext(ctx, "tcp", net.JoinHostPort(ip.String(), port))
				if err == nil {
					return conn, nil
				}
				errs = append(errs, err)
			}
			return nil, errors.Join(errs...)
		},
		TLSClientConfig:        &tls.Config{RootCAs: c.RootCAs, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:      true,
		DisableKeepAlives:      true,
		MaxResponseHeaderBytes: 16 << 10,
	}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// get fetches raw within the deadline and size limit. It returns the
// status and the body; a redirect is an error.
func (c *Config) get(ctx context.Context, raw string) (int, []byte, error) {
	u, err := checkURL(raw)
	if err != nil {
		return 0, nil, err
	}
	ctx, cancel := context.WithTimeoutCause(ctx, c.timeout(), ErrTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %q: %w", ErrNotHTTPS, raw, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client().Do(req)
	if err != nil {
		return 0, nil, c.wrap(ctx, raw, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return resp.StatusCode, nil, fmt.Errorf("%w: %s answered %d to %s", ErrRedirect, u.Host, resp.StatusCode, raw)
	}
	if resp.ContentLength > c.maxBody() {
		return resp.StatusCode, nil, fmt.Errorf("%w: %d bytes from %s, at most %d", ErrTooLarge, resp.ContentLength, raw, c.maxBody())
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody()+1))
	if err == nil && ctx.Err() != nil {
		// The deadline passed while the body was read: what was read is
		// cut short, whatever the reader said.
		err = ctx.Err()
	}
	if err != nil {
		return resp.StatusCode, nil, c.wrap(ctx, raw, err)
	}
	if int64(len(body)) > c.maxBody() {
		return resp.StatusCode, nil, fmt.Errorf("%w: more than %d bytes from %s", ErrTooLarge, c.maxBody(), raw)
	}
	return resp.StatusCode, body, nil
}

// wrap turns a transport error into one of the package's: a deadline
// becomes ErrTimeout (temporary), an address refusal stays ErrAddress.
func (c *Config) wrap(ctx context.Context, raw string, err error) error {
	if errors.Is(context.Cause(ctx), ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
		return &timeoutError{fmt.Errorf("%w: %s within %s: %w", ErrTimeout, raw, c.timeout(), err)}
	}
	return fmt.Errorf("domainconnect: %s: %w", raw, err)
}

// timeoutError is a deadline that passed: ErrTimeout, and temporary.
type timeoutError struct{ err error }

func (e *timeoutError) Error() string { return e.err.Error() }
func (e *timeoutError) Unwrap() []error {
	return []error{e.err, dnsrec.ErrTemporary}
}
