package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/marionette-mco/marionette/core/filter"
	"github.com/marionette-mco/marionette/core/protocol"
)

// validIdentity is what flatfile and stdin discovery accept as a node
// name (Ruby's /^[\w\.\-]+$/).
var validIdentity = regexp.MustCompile(`^[A-Za-z0-9_.\-]+$`)

// maxNodeList bounds what a node list may hold, so that a stray device or
// a huge file cannot exhaust memory.
const maxNodeList = 64 << 20

// readNodesFile reads a flatfile node list: one identity a line, blank
// lines and lines starting with # skipped, surrounding blanks trimmed. A
// missing, unreadable or empty file, or a line that is no identity, is an
// error naming the file (and line).
func readNodesFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, failure(fmt.Errorf("cannot read the discovery file: %w", err))
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.IsDir() {
		return nil, failure(fmt.Errorf("cannot read the discovery file: %s is a directory", path))
	}
	nodes, err := parseNodeLines(path, io.LimitReader(f, maxNodeList))
	if err != nil {
		return nil, failure(err)
	}
	if len(nodes) == 0 {
		return nil, failure(fmt.Errorf("discovery file %s lists no identities", path))
	}
	return nodes, nil
}

// parseNodeLines reads one identity a line, as Ruby's flatfile discovery
// does; name labels errors.
func parseNodeLines(name string, r io.Reader) ([]string, error) {
	var nodes []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !validIdentity.MatchString(line) {
			return nil, fmt.Errorf("%s:%d: %q is not an identity (identities match /^[\\w\\.\\-]+$/)", name, n, line)
		}
		nodes = append(nodes, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return nodes, nil
}

// parseNodeInput reads stdin discovery's input: the JSON array that
// mco rpc --json prints (each object's "sender", or "certname") or one
// identity a line. kind is "auto" (JSON when the input starts with [),
// "json" or "text".
func parseNodeInput(r io.Reader, kind string) ([]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxNodeList))
	if err != nil {
		return nil, fmt.Errorf("read standard input: %w", err)
	}
	text := string(data)
	if strings.TrimSpace(text) == "" {
		return nil, errors.New("data piped on STDIN contained only whitespace - could not discover hosts from it")
	}
	switch strings.ToLower(kind) {
	case "", "auto":
		if strings.HasPrefix(strings.TrimSpace(text), "[") {
			return nodesFromJSON(data)
		}
		return parseNodeLines("standard input", strings.NewReader(text))
	case "json":
		return nodesFromJSON(data)
	case "text":
		return parseNodeLines("standard input", strings.NewReader(text))
	}
	return nil, fmt.Errorf("stdin discovery only knows the types auto, text and json, not %q", kind)
}

// nodesFromJSON takes the senders out of mco rpc --json output, as Ruby's
// RPC::Helpers.extract_hosts_from_json does.
func nodesFromJSON(data []byte) ([]string, error) {
	var hosts []json.RawMessage
	if err := json.Unmarshal(data, &hosts); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return nil, fmt.Errorf("JSON host list on standard input: %w (at byte %d)", err, syntax.Offset)
		}
		return nil, errors.New("JSON host list is not an array")
	}
	var nodes []string
	for i, raw := range hosts {
		var h map[string]any
		if err := json.Unmarshal(raw, &h); err != nil || h == nil {
			return nil, fmt.Errorf("JSON host list is not an array of objects (element %d)", i+1)
		}
		name, ok := h["sender"].(string)
		if !ok {
			name, ok = h["certname"].(string)
		}
		if !ok {
			return nil, fmt.Errorf("JSON host list does not have senders in it (element %d)", i+1)
		}
		if !validIdentity.MatchString(name) {
			return nil, fmt.Errorf("JSON host list element %d: %q is not an identity (identities match /^[\\w\\.\\-]+$/)", i+1, name)
		}
		nodes = append(nodes, name)
	}
	return nodes, nil
}

// flatfileDiscover is Ruby's flatfile discovery: the identities of the
// --nodes file (read already) or of the --do file, narrowed by -I.
func flatfileDiscover(ctx context.Context, listed []string, d *discoveryFlags, f protocol.Filter) ([]string, error) {
	if listed == nil {
		if len(d.options) == 0 {
			return nil, usageErr(errors.New("the flatfile discovery method needs a file: --nodes FILE or --do FILE"))
		}
		var err error
		if listed, err = readNodesFile(d.options[0]); err != nil {
			return nil, err
		}
	}
	return selectIdentities(ctx, listed, f.Identity)
}

// stdinDiscover is Ruby's stdin discovery: the identities on standard
// input, narrowed by -I; --do picks the input type.
func stdinDiscover(ctx context.Context, d *discoveryFlags, f protocol.Filter) ([]string, error) {
	kind := "auto"
	if len(d.options) > 0 {
		kind = d.options[0]
	}
	nodes, err := parseNodeInput(d.stdinReader(), kind)
	if err != nil {
		return nil, failure(err)
	}
	if len(nodes) == 0 {
		return nil, failure(errors.New("standard input lists no identities"))
	}
	return selectIdentities(ctx, nodes, f.Identity)
}

// selectIdentities keeps the nodes any -I filter (a name or a /regex/)
// selects; with none, all of them.
func selectIdentities(ctx context.Context, nodes, specs []string) ([]string, error) {
	if len(specs) == 0 {
		return nodes, nil
	}
	var out []string
	for _, n := range nodes {
		for _, s := range specs {
			err := filter.Check(ctx, protocol.Filter{Identity: []string{s}}, filter.Node{Identity: n})
			if err == nil {
				out = append(out, n)
				break
			}
			if !errors.Is(err, filter.ErrNoMatch) {
				return nil, usageErr(fmt.Errorf("identity filter %q: %w", s, err))
			}
		}
	}
	return out, nil
}

// failure is an error that stops the command (exit 70).
func failure(err error) error { return &ExitError{Code: ExitFailure, Err: err} }
