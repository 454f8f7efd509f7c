package dnsrec

// CacheWaiters returns how many callers wait for the question in flight
// for name and t (0 when none is in flight), so that tests can tell when
// every caller they started has joined it.
func CacheWaiters(c *Cache, name string, t Type) int {
	qname, err := CanonicalName(name)
	if err != nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.flights[cacheKey{qname, t}]
	if !ok {
		return 0
	}
	return f.waiters
}

// AsIfRemote makes c treat its servers as if they were not on loopback,
// so that a test can watch the default socket policy for remote servers
// against a server on 127.0.0.1. Call it before c's first lookup.
func AsIfRemote(c *Client) *Client {
	c.notLoopback = true
	return c
}

// IsLoopback reports whether the Client's default policy treats a server
// address as on loopback.
func IsLoopback(addr string) bool { return isLoopback(addr) }
