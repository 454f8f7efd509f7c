// Package zipreport finds the DMARC aggregate report in a zip file as
// receivers send it (RFC 7489 Section 7.2.1.1: one XML file, compressed).
// The feedback package reads reports with it, and the store package reads
// reports kept in pieces with it.
package zipreport

import (
	"archive/zip"
	"errors"
	"strings"
)

// ErrNoReport is returned for a zip file that holds no XML member.
var ErrNoReport = errors.New("the zip file holds no .xml member")

// Member returns the member of zr that holds the report: the first whose
// name ends in ".xml" (in any case), or the only member whatever its
// name; ErrNoReport when there is neither. The caller bounds the member's
// size.
func Member(zr *zip.Reader) (*zip.File, error) {
	for _, f := range zr.File {
		if strings.HasSuffix(strings.ToLower(f.Name), ".xml") || len(zr.File) == 1 {
			return f, nil
		}
	}
	return nil, ErrNoReport
}
