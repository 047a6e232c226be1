package units

import (
	"errors"
	"strings"
	"testing"

	"github.com/holiman/uint256"
)

func TestParse(t *testing.T) {
	t.Parallel()
	maxWei := new(uint256.Int).SetAllOne().Dec()
	tests := []struct {
		in   string
		want string // decimal wei
		err  error
	}{
		{"1.5ether", "1500000000000000000", nil},
		{"1.5 ether", "1500000000000000000", nil},
		{"1.5ETH", "1500000000000000000", nil},
		{"20gwei", "20000000000", nil},
		{"1000wei", "1000", nil},
		{"0.1", "100000000000000000", nil},
		{".5", "500000000000000000", nil},
		{"2.", "2000000000000000000", nil},
		{"0", "0", nil},
		{"1.000000000000000000000", "1000000000000000000", nil}, // trailing zeros are exact
		{"1kwei", "1000", nil},
		{"3 mwei", "3000000", nil},
		{"1szabo", "1000000000000", nil},
		{"1finney", "1000000000000000", nil},
		{" 7 wei ", "7", nil},
		{maxWei + "wei", maxWei, nil},
		{"", "", ErrSyntax},
		{".", "", ErrSyntax},
		{"ether", "", ErrSyntax},
		{"1e18", "", ErrUnknownUnit},
		{"one", "", ErrSyntax},
		{"0x10", "", ErrUnknownUnit},
		{"1.2.3", "", ErrSyntax},
		{"+1", "", ErrSyntax},
		{"1,5", "", ErrSyntax},
		{"1 000", "", ErrSyntax},
		{"-1", "", ErrNegative},
		{"-0.5ether", "", ErrNegative},
		{"1 bananas", "", ErrUnknownUnit},
		{"1.5wei", "", ErrTooManyDecimals},
		{"0.0000000001gwei", "", ErrTooManyDecimals},
		{"0.0000000000000000001", "", ErrTooManyDecimals},
		{"1" + maxWei + "wei", "", ErrOverflow},
		{maxWei + "ether", "", ErrOverflow},
		{strings.Repeat("1", 200), "", ErrSyntax},
		{"１", "", ErrSyntax}, // a full-width digit is not a digit
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Parse(%q) error = %v, want %v", tt.in, err, tt.err)
			}
			if err == nil && got.Dec() != tt.want {
				t.Fatalf("Parse(%q) = %s, want %s", tt.in, got.Dec(), tt.want)
			}
		})
	}
}

func TestParseDefault(t *testing.T) {
	t.Parallel()
	got, err := ParseDefault("20", 9)
	if err != nil || got.Uint64() != 20_000_000_000 {
		t.Fatalf("ParseDefault(20, gwei) = %v, %v", got, err)
	}
	got, err = ParseDefault("3wei", 9)
	if err != nil || got.Uint64() != 3 {
		t.Fatalf("ParseDefault(3wei, gwei) = %v, %v", got, err)
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		wei      string
		decimals int
		want     string
	}{
		{"1500000000000000000", 18, "1.5"},
		{"1000000000000000000", 18, "1"},
		{"1", 18, "0.000000000000000001"},
		{"0", 18, "0"},
		{"20000000000", 9, "20"},
		{"123", 0, "123"},
	}
	for _, tt := range tests {
		v := uint256.MustFromDecimal(tt.wei)
		if got := Format(v, tt.decimals); got != tt.want {
			t.Errorf("Format(%s, %d) = %q, want %q", tt.wei, tt.decimals, got, tt.want)
		}
		back, err := ParseDefault(tt.want, tt.decimals)
		if err != nil || !back.Eq(v) {
			t.Errorf("round trip of %s: %v, %v", tt.wei, back, err)
		}
	}
}

func TestErrorKindsAreDistinct(t *testing.T) {
	t.Parallel()
	kinds := []error{ErrSyntax, ErrNegative, ErrUnknownUnit, ErrTooManyDecimals, ErrOverflow}
	for i, a := range kinds {
		for j, b := range kinds {
			if errors.Is(a, b) != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, i != j)
			}
		}
	}
}

// FuzzParse checks that Parse never panics and that what it accepts
// formats back to the same amount.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.5ether", "20gwei", "0.1", "-1", "1e18", "1.5wei", ".", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		back, err := Parse(FormatEther(v))
		if err != nil || !back.Eq(v) {
			t.Fatalf("Parse(%q) = %s, but its ether form %q parses to %v, %v", s, v.Dec(), FormatEther(v), back, err)
		}
	})
}
