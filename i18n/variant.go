package i18n

import (
	"strconv"

	"golang.org/x/text/language"
)

// Parts of a finding's or a change's sentences, the second half of a
// message id ("spf-no-all.message").
const (
	PartMessage = "message" // what is wrong and why it matters
	PartFix     = "fix"     // what to do about it
	PartReason  = "reason"  // why a change is made
	// PartRequirement is what a requirement asks for (plan.About), keyed
	// by the code of the change that makes it hold.
	PartRequirement = "requirement"
)

// maxVariants bounds the variants of one part of a code.
const maxVariants = 9

// Variants returns the ids of the English messages for one part of a code:
// "code.part" and its variants "code.part_2", "code.part_3"… A code whose
// sentence depends on the situation (the producer knows it; its
// parameters may not say it) has one message per situation.
func (c *Catalog) Variants(code, part string) []string {
	var ids []string
	for i := 1; i <= maxVariants; i++ {
		id := code + "." + part
		if i > 1 {
			id += "_" + strconv.Itoa(i)
		}
		if _, ok := c.messages[English][id]; ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// Choose returns the id of the message for one part of a code that the
// producer wrote: the variant whose English, filled from params, is
// english. Without english, or when no variant gives it, it is the variant
// that uses the most parameters, all of which params holds (the first on a
// tie). It returns "" when the catalogue has no message for the part, and
// when english is given, no variant gives it and none has all its
// parameters in params (a sentence written by hand).
func (c *Catalog) Choose(code, part string, params Params, english string) string {
	ids := c.Variants(code, part)
	if english != "" {
		for _, id := range ids {
			if s, err := c.Render(English, id, params); err == nil && s == english {
				return id
			}
		}
	}
	best, bestN := "", -1
	for _, id := range ids {
		n := 0
		for _, f := range c.Fields(English, id) {
			if _, ok := params[f]; !ok {
				n = -1
				break
			}
			n++
		}
		if n > bestN {
			best, bestN = id, n
		}
	}
	if best == "" && len(ids) > 0 && english == "" {
		best = ids[0]
	}
	return best
}

// Finding renders one part of a finding or change of the given code in
// the language tag matches: the variant the English text (when given)
// identifies, filled from params. It returns "" when the catalogue has no
// message for the part.
func (c *Catalog) Finding(tag language.Tag, code, part string, params Params, english string) string {
	id := c.Choose(code, part, params, english)
	if id == "" {
		return ""
	}
	return c.Text(tag, id, params)
}
