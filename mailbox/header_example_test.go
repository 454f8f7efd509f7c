package mailbox_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/mailbox"
)

// A message saved on Unix, its Received fields in the order of the
// message: the topmost is the receiver's.
func ExampleReadHeader() {
	msg := "Received: from mx.vendor.example\n\tby mx.gmail.example with ESMTPS\n" +
		"Received: from app.vendor.example by mx.vendor.example\n" +
		"From: Shop <news@shop.example>\n\nHello Anna,\n"
	h, err := mailbox.ReadHeader(strings.NewReader(msg))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range h.Get("received") {
		fmt.Println(v)
	}
	fmt.Println(h[2].Name, "=", h[2].Value)
	// Output:
	// from mx.vendor.example by mx.gmail.example with ESMTPS
	// from app.vendor.example by mx.vendor.example
	// From = Shop <news@shop.example>
}

// A letter pasted without its header: the error says where, not what.
func ExampleReadHeader_error() {
	_, err := mailbox.ReadHeader(strings.NewReader("From: a@shop.example\nDear Anna, our offer\n\n"))
	fmt.Println(errors.Is(err, mailbox.ErrMalformed))
	fmt.Println(err)
	// Output:
	// true
	// mailbox: the message header is malformed: the line is not a header field (line 2, offset 21)
}
