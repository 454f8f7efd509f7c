package dnsrec

import (
	"context"
	"fmt"
)

// defaultMaxInFlight is MaxInFlight's default: well below the 1,024 file
// descriptors a process may often hold.
const defaultMaxInFlight = 256

// enter waits for a place among the exchanges in flight (MaxInFlight) as
// long as ctx allows; [Client.leave] gives it back. A caller whose ctx
// ends while it waits sends nothing, even when a place frees as it gives
// up.
func (c *Client) enter(ctx context.Context) error {
	if c.slots == nil {
		return nil
	}
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("%w: waiting for one of the %d exchanges in flight to end: %w", ErrTimeout, cap(c.slots), ctx.Err())
	}
	if err := ctx.Err(); err != nil {
		<-c.slots
		return timeoutErr(err)
	}
	return nil
}

// leave gives back the place taken by enter.
func (c *Client) leave() {
	if c.slots != nil {
		<-c.slots
	}
}
