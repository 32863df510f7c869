package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// peersResult is peers.json: every timed run of make bench-peers and the
// best of each side.
type peersResult struct {
	// Time is when the runs ended (RFC 3339, UTC): the table shows it, as
	// make bench does not refresh peers.json.
	Time         string    `json:"time"`
	Input        string    `json:"input"`
	InputBytes   int64     `json:"input_bytes"`
	Node         []peerRun `json:"node_edifact"`
	Pcsgate      []peerRun `json:"pcsgate"`
	NodeBestS    float64   `json:"node_best_wall_s"`
	PcsgateBestS float64   `json:"pcsgate_best_wall_s"`
	// Ratio is pcsgate's best wall time over node-edifact's.
	Ratio float64 `json:"ratio"`
}

// peerRun is one timed child process.
type peerRun struct {
	WallS     float64 `json:"wall_s"`
	CPUS      float64 `json:"cpu_s"`
	PeakRSSMB float64 `json:"peak_rss_mb"`
	Output    string  `json:"output,omitempty"` // node-edifact's counts
}

// readPeers reads peers.json, or returns nil when there is none.
func readPeers(path string) (*peersResult, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var p peersResult
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &p, nil
}

// peersConfig is what runPeers runs.
type peersConfig struct {
	node, nodeModules, script, input, pcsgate, out string
	rounds                                         int
}

// runPeers is "benchtable peers": it times node-edifact's tokenizer and
// pcsgate translate alternately, rounds times each, so that both see the
// same load on a shared machine.
func runPeers(args []string, stdout io.Writer) int {
	var c peersConfig
	flags := flag.NewFlagSet("benchtable peers", flag.ContinueOnError)
	flags.StringVar(&c.node, "node", "node", "the node executable")
	flags.StringVar(&c.nodeModules, "node-modules", "bin/peers/node_modules", "the node_modules folder that holds edifact")
	flags.StringVar(&c.script, "script", "cmd/benchtable/peers/tokenize.js", "the node-edifact tokenize script")
	flags.StringVar(&c.input, "input", "bin/peers/coreor-100mb.edi", "the interchange both sides read")
	flags.StringVar(&c.pcsgate, "pcsgate", "bin/pcsgate", "the pcsgate binary")
	flags.StringVar(&c.out, "out", "bin/bench/peers.json", "where to write the results")
	flags.IntVar(&c.rounds, "rounds", 3, "runs of each side, alternated")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if err := peers(c, stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable peers:", err)
		return 1
	}
	return 0
}

func peers(c peersConfig, stdout io.Writer) error {
	st, err := os.Stat(c.input)
	if err != nil {
		return err
	}
	modules, err := filepath.Abs(c.nodeModules)
	if err != nil {
		return err
	}
	res := peersResult{Input: c.input, InputBytes: st.Size()}
	for i := range c.rounds {
		node := exec.Command(c.node, c.script, c.input)
		node.Env = append(os.Environ(), "NODE_PATH="+modules)
		r, err := timeRun(node)
		if err != nil {
			return fmt.Errorf("node-edifact: %w", err)
		}
		res.Node = append(res.Node, r)
		fmt.Fprintf(stdout, "round %d node-edifact tokenize: %s\n", i+1, r)
		if r, err = c.translate(); err != nil {
			return fmt.Errorf("pcsgate translate: %w", err)
		}
		res.Pcsgate = append(res.Pcsgate, r)
		fmt.Fprintf(stdout, "round %d pcsgate translate:     %s\n", i+1, r)
	}
	res.NodeBestS, res.PcsgateBestS = best(res.Node, wallOf), best(res.Pcsgate, wallOf)
	res.Ratio = res.PcsgateBestS / res.NodeBestS
	res.Time = time.Now().UTC().Format(time.RFC3339)
	fmt.Fprintf(stdout, "best wall: pcsgate translate %.2f s, node-edifact tokenize %.2f s: ratio %.2f\n",
		res.PcsgateBestS, res.NodeBestS, res.Ratio)
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(c.out, append(data, '\n'), 0o644)
}

// translate times pcsgate translate writing its NDJSON to a file beside
// the input, as a user would redirect it; a pipe to this process would
// add the copying out of it to the machine's load, which node-edifact's
// few bytes of counts do not. The file is removed afterwards.
func (c peersConfig) translate() (peerRun, error) {
	name := c.input + ".translated.ndjson"
	f, err := os.Create(name)
	if err != nil {
		return peerRun{}, err
	}
	defer os.Remove(name)
	defer f.Close()
	cmd := exec.Command(c.pcsgate, "translate", "--from", "portbase/coreor", "--to", "canonical", c.input)
	cmd.Stdout = f
	r, err := timeRun(cmd)
	if err != nil {
		return peerRun{}, err
	}
	st, err := f.Stat()
	if err != nil {
		return peerRun{}, err
	}
	r.Output = fmt.Sprintf("%d bytes of NDJSON written to a file", st.Size())
	return r, nil
}

func (r peerRun) String() string {
	s := fmt.Sprintf("%.2f s wall, %.2f s CPU, peak RSS %.1f MB", r.WallS, r.CPUS, r.PeakRSSMB)
	if r.Output != "" {
		s += ", " + r.Output
	}
	return s
}

// timeRun runs cmd, with its standard output kept (a few bytes: the node
// script's counts) unless cmd writes it elsewhere, and returns its wall
// time, CPU time and peak RSS.
func timeRun(cmd *exec.Cmd) (peerRun, error) {
	var out capped
	if cmd.Stdout == nil {
		cmd.Stdout = &out
	}
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return peerRun{}, err
	}
	wall := time.Since(start)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return peerRun{
		WallS:     wall.Seconds(),
		CPUS:      time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds(),
		PeakRSSMB: float64(ru.Maxrss) / 1024, // Linux reports KiB
		Output:    string(bytes.TrimSpace(out.buf.Bytes())),
	}, nil
}

// capped keeps the first 4 KB written to it and discards the rest.
type capped struct{ buf bytes.Buffer }

func (c *capped) Write(p []byte) (int, error) {
	if room := 4096 - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// best returns the least of a figure over runs (0 for none).
func best(runs []peerRun, figure func(peerRun) float64) float64 {
	b := 0.0
	for i, r := range runs {
		if v := figure(r); i == 0 || v < b {
			b = v
		}
	}
	return b
}

func wallOf(r peerRun) float64 { return r.WallS }
func cpuOf(r peerRun) float64  { return r.CPUS }
func rssOf(r peerRun) float64  { return r.PeakRSSMB }
