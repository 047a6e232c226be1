package units

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/holiman/uint256"
)

// Parse errors. Each returned error wraps one of these.
var (
	ErrSyntax          = errors.New("units: not a decimal amount")
	ErrNegative        = errors.New("units: amount is negative")
	ErrUnknownUnit     = errors.New("units: unknown unit")
	ErrTooManyDecimals = errors.New("units: more decimals than the unit allows")
	ErrOverflow        = errors.New("units: amount exceeds 2^256-1 wei")
)

// EtherDecimals is the number of decimals of one ether in wei.
const EtherDecimals = 18

// maxInput bounds the text Parse looks at. 2^256-1 has 78 digits; with 18
// decimals, a unit and some spacing, 128 characters is ample, and the bound
// keeps a hostile argument from costing big-number work.
const maxInput = 128

// unitDecimals maps each unit name to its power of ten in wei.
var unitDecimals = map[string]int{
	"wei":    0,
	"kwei":   3,
	"mwei":   6,
	"gwei":   9,
	"szabo":  12,
	"finney": 15,
	"ether":  18,
	"eth":    18,
}

// UnitDecimals returns the power of ten in wei of the named unit.
func UnitDecimals(name string) (int, error) {
	d, ok := unitDecimals[strings.ToLower(name)]
	if !ok {
		return 0, fmt.Errorf("%w %q (want wei, kwei, mwei, gwei, szabo, finney or ether)", ErrUnknownUnit, name)
	}
	return d, nil
}

// Parse reads an amount with an optional unit (default ether) and returns
// it in wei.
func Parse(s string) (*uint256.Int, error) {
	return ParseDefault(s, EtherDecimals)
}

// ParseDefault is Parse with another default unit, given as its power of
// ten: ParseDefault("20", 9) is 20 gwei. A unit in s overrides it.
func ParseDefault(s string, defaultDecimals int) (*uint256.Int, error) {
	if len(s) > maxInput {
		return nil, fmt.Errorf("%w: longer than %d characters", ErrSyntax, maxInput)
	}
	in := strings.TrimSpace(s)
	if strings.HasPrefix(in, "-") {
		return nil, fmt.Errorf("%w: %q", ErrNegative, s)
	}
	num, unit := splitUnit(in)
	intPart, frac, ok := splitNumber(num)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	decimals := defaultDecimals
	if unit != "" {
		d, err := UnitDecimals(unit)
		if err != nil {
			return nil, err
		}
		decimals = d
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > decimals {
		return nil, fmt.Errorf("%w: %q has %d decimals, at most %d allowed", ErrTooManyDecimals, s, len(frac), decimals)
	}
	digits := intPart + frac + strings.Repeat("0", decimals-len(frac))
	v, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	if v.BitLen() > 256 {
		return nil, fmt.Errorf("%w: %q", ErrOverflow, s)
	}
	out, _ := uint256.FromBig(v) // fits: checked above
	return out, nil
}

// splitUnit splits "1.5 gwei" into "1.5" and "gwei" at the first letter.
func splitUnit(s string) (num, unit string) {
	i := strings.IndexFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' })
	if i < 0 {
		return s, ""
	}
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i:])
}

// splitNumber splits a decimal number into its integer and fraction digits.
// It accepts "1", "1.5", ".5" and "1." but not "", ".", "+1" or anything
// other than ASCII digits around one point.
func splitNumber(s string) (intPart, frac string, ok bool) {
	intPart, frac, _ = strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return "", "", false
	}
	if !allDigits(intPart) || !allDigits(frac) {
		return "", "", false
	}
	return intPart, frac, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Format writes v (in wei) as a decimal number of the unit with the given
// power of ten, without trailing zeros: Format(1.5e18 wei, 18) = "1.5".
func Format(v *uint256.Int, decimals int) string {
	s := v.Dec()
	if decimals <= 0 {
		return s
	}
	if len(s) <= decimals {
		s = strings.Repeat("0", decimals-len(s)+1) + s
	}
	intPart, frac := s[:len(s)-decimals], strings.TrimRight(s[len(s)-decimals:], "0")
	if frac == "" {
		return intPart
	}
	return intPart + "." + frac
}

// FormatEther writes v (in wei) in ether.
func FormatEther(v *uint256.Int) string { return Format(v, EtherDecimals) }
