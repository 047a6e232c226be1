package chain

import (
	"errors"
	"math"
	"testing"
)

func TestMedianTimePast(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		times []uint64 // parent first
		want  uint64
	}{
		{"none", nil, 0},
		{"one", []uint64{7}, 7},
		{"two: upper median", []uint64{20, 10}, 20},
		{"three unordered", []uint64{30, 10, 20}, 20},
		{"four: index 2 of sorted", []uint64{4, 1, 3, 2}, 3},
		{"eleven increasing", []uint64{11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 6},
		{"eleven with outliers", []uint64{1000, 2, 3, 0, 5, 6, 7, 999, 9, 10, 11}, 7},
		{"duplicates", []uint64{5, 5, 5, 1, 9}, 5},
		{"only first eleven count", []uint64{11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1000, 1000, 1000}, 6},
		{"extreme values", []uint64{math.MaxUint64, 0, math.MaxUint64}, math.MaxUint64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := append([]uint64(nil), tt.times...)
			if got := MedianTimePast(tt.times); got != tt.want {
				t.Fatalf("MedianTimePast(%v) = %d, want %d", tt.times, got, tt.want)
			}
			for i := range in {
				if in[i] != tt.times[i] {
					t.Fatalf("MedianTimePast modified its input: %v, was %v", tt.times, in)
				}
			}
		})
	}
}

func TestTimeRules(t *testing.T) {
	t.Parallel()
	prev := []uint64{1000, 900, 1100} // median 1000
	tests := []struct {
		name     string
		time     uint64
		now      uint64
		maxDrift uint64
		want     error
	}{
		{"after median, in the past", 1001, 5000, 15000, nil},
		{"equal to median", 1000, 5000, 15000, ErrTimeTooOld},
		{"below median", 999, 5000, 15000, ErrTimeTooOld},
		{"exactly at the drift limit", 20000, 5000, 15000, nil},
		{"one ms past the drift limit", 20001, 5000, 15000, ErrTimeTooNew},
		{"now + drift overflows: saturates", math.MaxUint64, math.MaxUint64 - 1, 15000, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := errors.Join(checkTimeAfterMedian(tt.time, prev), checkTimeNotTooNew(tt.time, tt.now, tt.maxDrift))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var re *RuleError
			if !errors.As(err, &re) || re.Kind != tt.want {
				t.Fatalf("err = %#v, want a *RuleError of kind %v", err, tt.want)
			}
		})
	}
}
