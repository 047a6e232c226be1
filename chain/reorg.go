package chain

import "time"

// reorganize makes target (a block with more work than the tip) the tip:
// it disconnects the active chain down to the fork point and connects
// target's branch, validating each block against the state. If a block of
// the branch breaks a rule, it and its descendants are marked invalid and
// the chain settles on the best remaining valid branch, which may be the one
// it started on. It returns the number of blocks the active chain lost and
// the rule error that stopped target's branch, if any. Events for every
// change are sent once the chain has settled.
func (bc *BlockChain) reorganize(target *blockNode) (int, error) {
	start := bc.index.tip()
	var (
		events  []Event
		ruleErr error
	)
	for target != bc.index.tip() {
		tip := bc.index.tip()
		fork := findFork(tip, target)
		for n := tip; n != fork; n = n.parent {
			blk, receipts, err := bc.disconnectBlock(n)
			if err != nil {
				bc.sendEvents(events, start)
				return 0, err
			}
			events = append(events, BlockDisconnected{Block: blk, Receipts: receipts})
		}
		path := make([]*blockNode, 0, target.height-fork.height)
		for n := target; n != fork; n = n.parent {
			path = append(path, n)
		}
		failed := false
		for i := len(path) - 1; i >= 0; i-- {
			n := path[i]
			// A duration, not consensus time: the wall clock, never bc.now.
			began := time.Now()
			blk, receipts, err := bc.connectBlock(n)
			if err != nil {
				if !isRuleError(err) {
					bc.sendEvents(events, start)
					return 0, err
				}
				if ruleErr == nil {
					ruleErr = err
				}
				if merr := bc.markInvalid(n, err); merr != nil {
					bc.sendEvents(events, start)
					return 0, merr
				}
				failed = true
				break
			}
			events = append(events, BlockConnected{Block: blk, Receipts: receipts, Elapsed: time.Since(began)})
		}
		if !failed {
			break
		}
		// Fall back to the best branch that is still valid (possibly the
		// one we started on, whose blocks reconnect as they did before).
		target = bc.index.bestCandidate()
	}
	return bc.sendEvents(events, start), ruleErr
}

// sendEvents delivers the per-block events in commit order, then a Reorg
// summary if the active chain lost blocks since start, then NewHead if the
// tip moved. It returns how many blocks the active chain lost.
func (bc *BlockChain) sendEvents(events []Event, start *blockNode) int {
	for _, ev := range events {
		bc.events.send(ev)
	}
	tip := bc.index.tip()
	if tip == start {
		return 0
	}
	fork := findFork(start, tip)
	lost := int(start.height - fork.height)
	if lost > 0 {
		reorg := Reorg{Fork: fork.hash}
		for n := start; n != fork; n = n.parent {
			if blk, err := bc.BlockByHash(n.hash); err == nil {
				reorg.Disconnected = append(reorg.Disconnected, blk)
			}
		}
		for n := tip; n != fork; n = n.parent {
			if blk, err := bc.BlockByHash(n.hash); err == nil {
				reorg.Connected = append(reorg.Connected, blk)
			}
		}
		// Connected was collected tip first; the event lists it oldest first.
		for i, j := 0, len(reorg.Connected)-1; i < j; i, j = i+1, j-1 {
			reorg.Connected[i], reorg.Connected[j] = reorg.Connected[j], reorg.Connected[i]
		}
		bc.log.Info("chain reorganised", "depth", lost, "fork", fork.hash, "fork_height", fork.height,
			"old_tip", start.hash, "new_tip", tip.hash, "connected", len(reorg.Connected))
		bc.events.send(reorg)
	}
	if blk, err := bc.BlockByHash(tip.hash); err == nil {
		bc.events.send(NewHead{Block: blk})
	}
	return lost
}
