package data

import (
	"context"
	"errors"
	"fmt"
	"regexp"
)

// ErrNoAgent is returned by Agent for an agent the node does not serve;
// Ruby raises too, so the filter fails even under not.
var ErrNoAgent = errors.New("no such agent")

// AgentMeta is an agent's DDL metadata.
type AgentMeta struct {
	License     string
	Description string
	URL         string
	Version     string
	Author      string
	// Timeout is the action timeout in seconds.
	Timeout int
}

// AgentCatalog looks up the metadata of the agents a node serves.
type AgentCatalog interface {
	AgentMeta(name string) (AgentMeta, bool)
}

// Agent is Ruby's agent data plugin: agent("rpcutil") answers agent (the
// name), license, timeout (an integer), description, url, version and
// author.
type Agent struct {
	Agents AgentCatalog
}

var agentQuery = query{maxLength: 20, pattern: regexp.MustCompile(`^[a-zA-Z0-9_]+$`)}

// Query returns the metadata of agent q.
func (a Agent) Query(_ context.Context, q string) (map[string]any, error) {
	if err := agentQuery.validate(q); err != nil {
		return nil, err
	}
	if a.Agents == nil {
		return nil, fmt.Errorf("agent %q: %w", q, ErrNoAgent)
	}
	m, ok := a.Agents.AgentMeta(q)
	if !ok {
		return nil, fmt.Errorf("agent %q: %w", q, ErrNoAgent)
	}
	return map[string]any{
		"agent":       q,
		"license":     m.License,
		"timeout":     m.Timeout,
		"description": m.Description,
		"url":         m.URL,
		"version":     m.Version,
		"author":      m.Author,
	}, nil
}

// Collective is Ruby's collective data plugin: collective("eu") answers
// member, true when the node belongs to that collective.
type Collective struct {
	Collectives []string
}

var collectiveQuery = query{maxLength: 256, pattern: regexp.MustCompile(`.`)}

// Query reports membership of collective q.
func (c Collective) Query(_ context.Context, q string) (map[string]any, error) {
	if err := collectiveQuery.validate(q); err != nil {
		return nil, err
	}
	member := false
	for _, x := range c.Collectives {
		if x == q {
			member = true
		}
	}
	return map[string]any{"member": member}, nil
}
