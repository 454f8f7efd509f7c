package dnsrec

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. A failed lookup returns an [*Error] that wraps one of
// them; test with [errors.Is]. ErrServFail, ErrRefused, ErrTimeout and
// ErrBadResponse are all temporary: errors.Is(err, ErrTemporary) is true.
var (
	// ErrInvalidName: the name is not a valid DNS name (see CanonicalName).
	ErrInvalidName = errors.New("dnsrec: invalid name")
	// ErrTemporary: any failure that may go away if the query is repeated.
	ErrTemporary = errors.New("dnsrec: temporary DNS failure")
	// ErrServFail: the server answered SERVFAIL (RCODE 2).
	ErrServFail error = &temporaryError{"dnsrec: server failure (SERVFAIL)"}
	// ErrRefused: the server answered REFUSED (RCODE 5).
	ErrRefused error = &temporaryError{"dnsrec: query refused (REFUSED)"}
	// ErrTimeout: no answer before the deadline.
	ErrTimeout error = &temporaryError{"dnsrec: timeout"}
	// ErrBadResponse: another RCODE, or an answer that does not fit the question.
	ErrBadResponse error = &temporaryError{"dnsrec: bad response"}
)

type temporaryError struct{ msg string }

func (e *temporaryError) Error() string        { return e.msg }
func (e *temporaryError) Is(target error) bool { return target == ErrTemporary }

// Error describes a failed lookup: the question, the server asked (if any)
// and the cause, which wraps one of the sentinels above and, where there is
// one, the underlying network error.
type Error struct {
	Name   string // the name asked for
	Type   Type   // the type asked for
	Server string // the server that failed, "" for in-memory resolvers
	Err    error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("lookup %s %s", e.Type, e.Name)
	if e.Server != "" {
		s += " on " + e.Server
	}
	// The cause's own "dnsrec: " is left out: the question already says
	// where it failed, and callers put their package's name in front.
	return s + ": " + strings.TrimPrefix(e.Err.Error(), "dnsrec: ")
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether the failure may go away on retry. With
// [Error.Timeout] it makes *Error a net.Error, so that libraries that ask
// a net.Error whether it is temporary (go-msgauth's DKIM verifier does)
// treat a SERVFAIL or a timeout as a temporary failure.
func (e *Error) Temporary() bool { return errors.Is(e.Err, ErrTemporary) }

// Timeout reports whether no answer came before the deadline.
func (e *Error) Timeout() bool { return errors.Is(e.Err, ErrTimeout) }
