package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/quarry-chain/quarry/mempool"
	"github.com/quarry-chain/quarry/node"
)

// parseRun parses args as `quarryd run` would, with the environment env
// and, if file is not empty, a --config file holding file, and returns
// the node.Config it builds.
func parseRun(t *testing.T, args []string, env map[string]string, file string) (node.Config, error) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	if file != "" {
		path := filepath.Join(t.TempDir(), "quarry.toml")
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append([]string{"--config", path}, args...)
	}
	var cfg node.Config
	app := &cli.App{
		Writer: io.Discard, ErrWriter: io.Discard,
		ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{{
			Name: "run", Flags: runFlags(), Before: applyConfigFile,
			OnUsageError: onUsageError,
			Action: func(c *cli.Context) error {
				if _, err := newLogger(c, io.Discard); err != nil {
					return err
				}
				var err error
				cfg, err = nodeConfig(c, slog.New(slog.DiscardHandler))
				return err
			},
		}},
	}
	err := app.RunContext(context.Background(), append([]string{"quarryd", "run", "--datadir", t.TempDir()}, args...))
	return cfg, err
}

func TestEnvName(t *testing.T) {
	t.Parallel()
	for flag, want := range map[string]string{
		"rpc.port":         "QUARRY_RPC_PORT",
		"datadir":          "QUARRY_DATADIR",
		"txpool.pricebump": "QUARRY_TXPOOL_PRICEBUMP",
		"dev.period":       "QUARRY_DEV_PERIOD",
		"some-flag.x":      "QUARRY_SOME_FLAG_X",
	} {
		if got := envName(flag); got != want {
			t.Errorf("envName(%q) = %q, want %q", flag, got, want)
		}
	}
}

// TestFlagPrecedence: command line > environment > config file > default.
func TestFlagPrecedence(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		file  string
		check func(t *testing.T, cfg node.Config)
	}{
		{
			name: "defaults",
			check: func(t *testing.T, cfg node.Config) {
				if cfg.RPC.Addr != "127.0.0.1:8545" {
					t.Errorf("rpc addr %q", cfg.RPC.Addr)
				}
				want := []string{"/ip4/0.0.0.0/tcp/30333", "/ip4/0.0.0.0/udp/30333/quic-v1"}
				if !slices.Equal(cfg.P2P.ListenAddrs, want) {
					t.Errorf("listen %v, want %v", cfg.P2P.ListenAddrs, want)
				}
				if cfg.Pool.MaxTxs != mempool.DefaultMaxTxs || cfg.Pool.PriceBump != mempool.DefaultPriceBump ||
					cfg.Pool.MinGasPrice.Uint64() != 1 {
					t.Errorf("pool %+v", cfg.Pool)
				}
				if cfg.Mine || cfg.NoP2P || cfg.NoRPC || cfg.MetricsAddr != "" || cfg.Miner.Threads != 0 {
					t.Errorf("switches: mine %v nop2p %v norpc %v metrics %q threads %d",
						cfg.Mine, cfg.NoP2P, cfg.NoRPC, cfg.MetricsAddr, cfg.Miner.Threads)
				}
			},
		},
		{
			name: "file over default",
			file: "rpc.port = 9000\n",
			check: func(t *testing.T, cfg node.Config) {
				if cfg.RPC.Addr != "127.0.0.1:9000" {
					t.Errorf("rpc addr %q, want port 9000 from the file", cfg.RPC.Addr)
				}
			},
		},
		{
			name: "file as tables and quoted keys",
			file: "\"txpool.maxtxs\" = 77\nmdns = true\n[rpc]\naddr = \"0.0.0.0\"\nport = 9001\n[miner]\nthreads = 3\n",
			check: func(t *testing.T, cfg node.Config) {
				if cfg.RPC.Addr != "0.0.0.0:9001" || cfg.Pool.MaxTxs != 77 || !cfg.P2P.MDNS || cfg.Miner.Threads != 3 {
					t.Errorf("rpc %q maxtxs %d mdns %v threads %d", cfg.RPC.Addr, cfg.Pool.MaxTxs, cfg.P2P.MDNS, cfg.Miner.Threads)
				}
			},
		},
		{
			name: "env over file",
			env:  map[string]string{"QUARRY_RPC_PORT": "9100"},
			file: "rpc.port = 9000\n",
			check: func(t *testing.T, cfg node.Config) {
				if cfg.RPC.Addr != "127.0.0.1:9100" {
					t.Errorf("rpc addr %q, want port 9100 from the environment", cfg.RPC.Addr)
				}
			},
		},
		{
			name: "flag over env and file",
			args: []string{"--rpc.port", "9200"},
			env:  map[string]string{"QUARRY_RPC_PORT": "9100"},
			file: "rpc.port = 9000\n",
			check: func(t *testing.T, cfg node.Config) {
				if cfg.RPC.Addr != "127.0.0.1:9200" {
					t.Errorf("rpc addr %q, want port 9200 from the flag", cfg.RPC.Addr)
				}
			},
		},
		{
			name: "lists: array in the file, commas in the environment",
			env:  map[string]string{"QUARRY_RPC_CORSDOMAIN": "http://a.test,http://b.test"},
			file: "p2p.listen = [\"/ip4/127.0.0.1/tcp/4001\"]\nbootnodes = \"/ip4/10.0.0.1/tcp/30333/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo\"\n",
			check: func(t *testing.T, cfg node.Config) {
				if !slices.Equal(cfg.P2P.ListenAddrs, []string{"/ip4/127.0.0.1/tcp/4001"}) {
					t.Errorf("listen %v", cfg.P2P.ListenAddrs)
				}
				if len(cfg.P2P.Bootnodes) != 1 {
					t.Errorf("bootnodes %v", cfg.P2P.Bootnodes)
				}
				if !slices.Equal(cfg.RPC.CORSOrigins, []string{"http://a.test", "http://b.test"}) {
					t.Errorf("cors %v", cfg.RPC.CORSOrigins)
				}
			},
		},
		{
			name: "repeated flag replaces the default list",
			args: []string{"--p2p.listen", "/ip4/127.0.0.1/tcp/1", "--p2p.listen", "/ip4/127.0.0.1/udp/1/quic-v1"},
			file: "p2p.listen = [\"/ip4/127.0.0.1/tcp/4001\"]\n",
			check: func(t *testing.T, cfg node.Config) {
				want := []string{"/ip4/127.0.0.1/tcp/1", "/ip4/127.0.0.1/udp/1/quic-v1"}
				if !slices.Equal(cfg.P2P.ListenAddrs, want) {
					t.Errorf("listen %v, want %v", cfg.P2P.ListenAddrs, want)
				}
			},
		},
		{
			name: "switches and numbers from env and file",
			env: map[string]string{"QUARRY_NOP2P": "true", "QUARRY_MINER_GASPRICE": "1000000000",
				"QUARRY_MINER_COINBASE": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"},
			file: "mine = true\nnorpc = true\nmetrics = \"127.0.0.1:9090\"\ntxpool.maxbytes = 1048576\ntxpool.maxqueued = 10\ntxpool.pricebump = 25\ncache = 1024\n",
			check: func(t *testing.T, cfg node.Config) {
				if !cfg.NoP2P || !cfg.Mine || !cfg.NoRPC || cfg.MetricsAddr != "127.0.0.1:9090" {
					t.Errorf("nop2p %v mine %v norpc %v metrics %q", cfg.NoP2P, cfg.Mine, cfg.NoRPC, cfg.MetricsAddr)
				}
				if cfg.Pool.MinGasPrice.Uint64() != 1_000_000_000 || cfg.Pool.MaxBytes != 1<<20 ||
					cfg.Pool.MaxQueued != 10 || cfg.Pool.PriceBump != 25 {
					t.Errorf("pool %+v", cfg.Pool)
				}
				if cfg.CacheMiB != 1024 {
					t.Errorf("cache %d MiB, want 1024", cfg.CacheMiB)
				}
				if cfg.Miner.Coinbase.Hex() != "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" {
					t.Errorf("coinbase %s", cfg.Miner.Coinbase)
				}
			},
		},
		{
			name: "dht from the file",
			file: "dht = true\n",
			check: func(t *testing.T, cfg node.Config) {
				if !cfg.P2P.DHT || cfg.P2P.MDNS {
					t.Errorf("dht %v mdns %v, want the DHT only", cfg.P2P.DHT, cfg.P2P.MDNS)
				}
			},
		},
		{
			name: "dht from the environment",
			env:  map[string]string{"QUARRY_DHT": "true"},
			check: func(t *testing.T, cfg node.Config) {
				if !cfg.P2P.DHT {
					t.Error("QUARRY_DHT=true: DHT off")
				}
			},
		},
		{
			name:  "a key of another command is skipped",
			file:  "dev.period = 0\nreset = true\n",
			check: func(*testing.T, node.Config) {},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseRun(t, tt.args, tt.env, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, cfg)
		})
	}
}

func TestFlagAndFileErrors(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		env       map[string]string
		file      string
		wantErr   error // nil: only the exit code is checked
		wantUsage bool
		wantMsg   string // "": not checked
	}{
		// Mistakes in the file's content are usage errors, as on the
		// command line; a file that cannot be read is not.
		{name: "unknown key", file: "rpc.prot = 1\n", wantErr: errConfigFile, wantUsage: true, wantMsg: `unknown key "rpc.prot"`},
		{name: "unknown key in a table", file: "[rpc]\nprot = 1\n", wantErr: errConfigFile, wantUsage: true},
		{name: "bad toml", file: "rpc.port = \n", wantErr: errConfigFile, wantUsage: true},
		{name: "key given twice", file: "\"rpc.port\" = 1\n[rpc]\nport = 2\n", wantErr: errConfigFile, wantUsage: true},
		{name: "value of the wrong type", file: "rpc.port = \"many\"\n", wantErr: errConfigFile, wantUsage: true},
		{name: "fractional number", file: "txpool.maxtxs = 1.5\n", wantErr: errConfigFile, wantUsage: true},
		{name: "date value", file: "metrics = 1979-05-27\n", wantErr: errConfigFile, wantUsage: true},
		{name: "missing config file", args: []string{"--config", "/nonexistent/quarry.toml"}, wantErr: os.ErrNotExist},
		{name: "unreadable config file", args: []string{"--config", "/"}, wantErr: errConfigFile},
		{name: "price bump 0 flag", args: []string{"--txpool.pricebump", "0"}, wantUsage: true,
			wantMsg: "--txpool.pricebump must be at least 1 (percent)"},
		{name: "price bump 0 env", env: map[string]string{"QUARRY_TXPOOL_PRICEBUMP": "0"}, wantUsage: true,
			wantMsg: "--txpool.pricebump must be at least 1 (percent)"},
		{name: "price bump 0 file", file: "txpool.pricebump = 0\n", wantUsage: true,
			wantMsg: "--txpool.pricebump must be at least 1 (percent)"},
		{name: "price bump 0 file as a table", file: "[txpool]\npricebump = 0\n", wantUsage: true,
			wantMsg: "--txpool.pricebump must be at least 1 (percent)"},
		{name: "negative price bump", args: []string{"--txpool.pricebump", "-1"}, wantUsage: true},
		{name: "unknown flag", args: []string{"--rpc.prot", "1"}, wantUsage: true},
		{name: "bad log level", args: nil, env: map[string]string{"QUARRY_LOG_LEVEL": "loud"}, wantUsage: true},
		{name: "bad env number", env: map[string]string{"QUARRY_RPC_PORT": "x"}, wantUsage: true},
		{name: "port out of range", args: []string{"--rpc.port", "70000"}, wantUsage: true},
		{name: "bad listen address", args: []string{"--p2p.listen", "0.0.0.0:30333"}, wantUsage: true},
		{name: "bootnode without peer id", args: []string{"--bootnodes", "/ip4/10.0.0.1/tcp/30333"}, wantUsage: true},
		{name: "bootnode not a multiaddr", args: []string{"--bootnodes", "enode://abc@10.0.0.1:30303"}, wantUsage: true},
		{name: "bad coinbase", args: []string{"--miner.coinbase", "0x1234"}, wantUsage: true},
		{name: "bad gas price", args: []string{"--miner.gasprice", "1gwei"}, wantUsage: true},
		{name: "negative pool limit", args: []string{"--txpool.maxtxs", "-1"}, wantUsage: true},
		{name: "too many threads", args: []string{"--miner.threads", "100000"}, wantUsage: true},
		{name: "bad metrics address", args: []string{"--metrics", "9090"}, wantUsage: true},
		{name: "pprof without metrics", args: []string{"--pprof"}, wantUsage: true},
		{name: "cache too small", args: []string{"--cache", "8"}, wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseRun(t, tt.args, tt.env, tt.file)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			var ue *usageError
			if got := errors.As(err, &ue); got != tt.wantUsage {
				t.Fatalf("usage error %v, want %v (err: %v)", got, tt.wantUsage, err)
			}
			if want := map[bool]int{false: exitError, true: exitUsage}[tt.wantUsage]; exitCode(err) != want {
				t.Fatalf("exit code %d, want %d (err: %v)", exitCode(err), want, err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err = %q, want it to say %q", err, tt.wantMsg)
			}
		})
	}
}

func TestWithDefaultCommand(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want []string }{
		{[]string{"quarryd"}, []string{"quarryd", "run"}},
		{[]string{"quarryd", "--datadir", "x"}, []string{"quarryd", "run", "--datadir", "x"}},
		{[]string{"quarryd", "dev", "--reset"}, []string{"quarryd", "dev", "--reset"}},
		{[]string{"quarryd", "--help"}, []string{"quarryd", "--help"}},
		{[]string{"quarryd", "-v"}, []string{"quarryd", "-v"}},
	}
	for _, tt := range tests {
		if got := withDefaultCommand(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("withDefaultCommand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
