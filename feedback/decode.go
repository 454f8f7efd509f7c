package feedback

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
)

func quotedPrintable(raw []byte) io.Reader { return quotedprintable.NewReader(bytes.NewReader(raw)) }

func decodeBase64(raw []byte) ([]byte, error) {
	clean := bytes.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, raw)
	return base64.StdEncoding.DecodeString(string(clean))
}
