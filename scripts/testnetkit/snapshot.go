package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

// snapshot is what one node reported at one moment.
type snapshot struct {
	name string
	url  string
	err  error // the node did not answer; the other fields are zero

	height    uint64
	head      string
	stateRoot string
	peers     int
	hashrate  uint64
	mining    bool
}

// takeSnapshots asks every node at once.
func takeSnapshots(ctx context.Context, nodes []node) []snapshot {
	out := make([]snapshot, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Go(func() { out[i] = takeSnapshot(ctx, n) })
	}
	wg.Wait()
	return out
}

func takeSnapshot(ctx context.Context, n node) snapshot {
	s := snapshot{name: n.name, url: n.URL()}
	head, err := n.blockAt(ctx, -1)
	if err != nil {
		s.err = err
		return s
	}
	s.height, s.head, s.stateRoot = uint64(head.Number), head.Hash, head.StateRoot
	if s.peers, err = n.peerCount(ctx); err != nil {
		s.err = err
		return s
	}
	// A node without a miner may not serve these; they are informative only.
	var rate quantity
	if n.Call(ctx, &rate, "eth_hashrate") == nil {
		s.hashrate = uint64(rate)
	}
	_ = n.Call(ctx, &s.mining, "eth_mining")
	return s
}

// divergence lists what is wrong with a set of snapshots whose nodes
// should share one chain: a node more than lag blocks behind the highest,
// and nodes at the same height with different heads. forks, if not nil,
// gives each up node's block hash at the lowest tip's height (a
// disagreement there is a fork, however close the heights). Nodes that did
// not answer are reported by the caller, not here.
func divergence(snaps []snapshot, lag uint64, forks map[string]string) []string {
	var up []snapshot
	for _, s := range snaps {
		if s.err == nil {
			up = append(up, s)
		}
	}
	if len(up) < 2 {
		return nil
	}
	var problems []string
	top := slices.MaxFunc(up, func(a, b snapshot) int { return cmpUint(a.height, b.height) })
	for _, s := range up {
		if top.height-s.height > lag {
			problems = append(problems, fmt.Sprintf("node %s is %d blocks behind node %s (height %d vs %d)",
				s.name, top.height-s.height, top.name, s.height, top.height))
		}
	}
	byHeight := map[uint64]map[string][]string{}
	for _, s := range up {
		if byHeight[s.height] == nil {
			byHeight[s.height] = map[string][]string{}
		}
		byHeight[s.height][s.head] = append(byHeight[s.height][s.head], s.name)
	}
	heights := make([]uint64, 0, len(byHeight))
	for h := range byHeight {
		heights = append(heights, h)
	}
	slices.Sort(heights)
	for _, h := range heights {
		if heads := byHeight[h]; len(heads) > 1 {
			problems = append(problems, fmt.Sprintf("different heads at height %d: %s", h, describeGroups(heads)))
		}
	}
	// At the lowest tip the fork check says nothing new if the nodes there
	// were already seen to differ.
	if groups := groupByHash(forks); len(groups) > 1 && len(byHeight[heights[0]]) < 2 {
		problems = append(problems, fmt.Sprintf("chains differ at height %d (the lowest tip): %s", heights[0], describeGroups(groups)))
	}
	return problems
}

// groupByHash inverts node name -> hash.
func groupByHash(byNode map[string]string) map[string][]string {
	groups := make(map[string][]string)
	for name, hash := range byNode {
		groups[hash] = append(groups[hash], name)
	}
	return groups
}

// describeGroups renders hash -> node names as "nodes 1,2 at 0xab12…; node 3 at 0xcd34…".
func describeGroups(groups map[string][]string) string {
	hashes := make([]string, 0, len(groups))
	for h, names := range groups {
		sort.Strings(names)
		hashes = append(hashes, h)
	}
	sort.Slice(hashes, func(i, j int) bool { return groups[hashes[i]][0] < groups[hashes[j]][0] })
	parts := make([]string, len(hashes))
	for i, h := range hashes {
		word := "node"
		if len(groups[h]) > 1 {
			word = "nodes"
		}
		parts[i] = fmt.Sprintf("%s %s at %s", word, strings.Join(groups[h], ","), shortHash(h))
	}
	return strings.Join(parts, "; ")
}

// forkPoint returns each up node's block hash at the lowest height among
// them, or nil if some node could not say (it is then retried later).
func forkPoint(ctx context.Context, nodes []node, snaps []snapshot) map[string]string {
	low, found := uint64(0), false
	for _, s := range snaps {
		if s.err == nil && (!found || s.height < low) {
			low, found = s.height, true
		}
	}
	if !found {
		return nil
	}
	out := make(map[string]string)
	var mu sync.Mutex
	var wg sync.WaitGroup
	failed := false
	for i, n := range nodes {
		if snaps[i].err != nil {
			continue
		}
		wg.Go(func() {
			b, err := n.blockAt(ctx, int64(low))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed = true
				return
			}
			out[n.name] = b.Hash
		})
	}
	wg.Wait()
	if failed {
		return nil
	}
	return out
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// shortHash abbreviates a 0x-hex hash as 0x00001234…abcdef: enough
// digits after a proof of work's leading zeros to tell blocks apart.
func shortHash(h string) string {
	if len(h) <= 20 {
		return h
	}
	return h[:10] + "…" + h[len(h)-6:]
}

// formatRate renders hashes per second with a unit.
func formatRate(r uint64) string {
	switch {
	case r >= 1e9:
		return fmt.Sprintf("%.2f GH/s", float64(r)/1e9)
	case r >= 1e6:
		return fmt.Sprintf("%.2f MH/s", float64(r)/1e6)
	case r >= 1e3:
		return fmt.Sprintf("%.2f kH/s", float64(r)/1e3)
	}
	return fmt.Sprintf("%d H/s", r)
}
