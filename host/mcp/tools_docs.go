package mcp

import (
	"context"
)

func (s *Service) docsSearch(_ context.Context, c *Call) (any, error) {
	var args struct {
		Query       string `json:"query"`
		MaxSections *int   `json:"max_sections"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	if args.MaxSections != nil && (*args.MaxSections < 1 || *args.MaxSections > 10) {
		return nil, invalidParams("max_sections must be between 1 and 10")
	}
	return s.opts.Docs.Search(args.Query, args.MaxSections), nil
}
