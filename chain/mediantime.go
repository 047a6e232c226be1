package chain

import "slices"

// medianTimeBlocks is how many previous blocks the median-time-past rule
// looks at: 11, as Bitcoin. An odd count gives a unique middle element; 11
// is enough that a minority of miners cannot move the median with their own
// timestamps.
const medianTimeBlocks = 11

// MedianTimePast returns the median of the times (unix ms) of up to the
// medianTimeBlocks blocks before a new block, most recent (the parent)
// first. Near genesis there are fewer; only the first medianTimeBlocks
// entries count. As Bitcoin's GetMedianTimePast it takes the element at
// index n/2 of the sorted times, the upper median when n is even. With no
// times at all (no block before genesis) it is 0.
func MedianTimePast(prevTimes []uint64) uint64 {
	if len(prevTimes) == 0 {
		return 0
	}
	if len(prevTimes) > medianTimeBlocks {
		prevTimes = prevTimes[:medianTimeBlocks]
	}
	var buf [medianTimeBlocks]uint64
	sorted := buf[:len(prevTimes)]
	copy(sorted, prevTimes)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

// checkTimeAfterMedian enforces that a block's time exceeds the median time
// of its previous blocks (ErrTimeTooOld). Combined with the median moving
// forward, it makes block times increase over any 11-block window while
// allowing individual timestamps out of order.
func checkTimeAfterMedian(time uint64, prevTimes []uint64) error {
	if mtp := MedianTimePast(prevTimes); time <= mtp {
		return ruleError(ErrTimeTooOld, "block time %d ms is not after the median time past %d ms", time, mtp)
	}
	return nil
}

// checkTimeNotTooNew enforces that a block's time is at most maxDrift ms
// ahead of now, the validating node's clock in unix ms (ErrTimeTooNew). The
// caller passes now so the rule itself stays a pure function. A block
// rejected this way may become valid later, so callers should not mark it
// permanently invalid.
func checkTimeNotTooNew(time, now, maxDrift uint64) error {
	limit := now + maxDrift
	if limit < now { // saturate instead of wrapping
		limit = ^uint64(0)
	}
	if time > limit {
		return ruleError(ErrTimeTooNew, "block time %d ms is more than %d ms ahead of local time %d ms", time, maxDrift, now)
	}
	return nil
}
