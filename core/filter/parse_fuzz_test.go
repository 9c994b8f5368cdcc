package filter

import "testing"

// FuzzParseCompound checks that the scanner port never panics where
// Ruby's would raise, and that ParseFact never panics.
func FuzzParseCompound(f *testing.F) {
	for _, s := range []string{
		"role=web and rank>0", "fstat('/etc/hosts').size>0", "a=//", "a=/b\\", "not (a)",
		"fact(\"x\").value='a b'", "=/x", "'\\", "/", "a=/", "(", "x=/a/b/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseCompound(s)
		_, _ = ParseFact(s)
		_, _ = ParseWith(s)
	})
}
