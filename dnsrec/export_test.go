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
	e, ok := c.entries[cacheKey{qname, t}]
	if !ok {
		return 0
	}
	select {
	case <-e.done:
		return 0
	default:
		return e.waiters
	}
}
