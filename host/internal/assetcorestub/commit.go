package assetcorestub

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// SeedPlan is the interop seed plan (testdata/assetcore/interop/seed_plan.json):
// one commit for one namespace.
type SeedPlan struct {
	PlanVersion   string        `json:"plan_version"`
	NamespaceID   uint64        `json:"namespace_id"`
	CommitRequest CommitRequest `json:"commit_request"`
}

// CommitRequest is a write commit: operations applied atomically, in order.
// A repeated IdempotencyKey returns the first commit without applying again.
type CommitRequest struct {
	ActorID        string          `json:"actor_id"`
	IdempotencyKey string          `json:"idempotency_key"`
	Metadata       json.RawMessage `json:"metadata,omitempty"`
	Operations     []Operation     `json:"operations"`
}

// Operation is one write operation: RegisterClass, RegisterClassShape,
// CreateContainer, AddFungible or AddInstance, with its arguments.
type Operation struct {
	Op   string          `json:"op"`
	Args json.RawMessage `json:"args"`
}

// Commit identifies an applied commit: the namespace, the commit id, the
// world sequence number (1 after the first commit, +1 per commit) and the
// chain hash (hex SHA-256 over the previous chain hash and the commit).
type Commit struct {
	NamespaceID uint64
	CommitID    string
	WorldSeq    uint64
	ChainHash   string
}

// appliedCommit remembers a commit under its idempotency key.
type appliedCommit struct {
	commit Commit
	digest [32]byte
}

// ParseSeedPlan decodes a seed plan strictly: unknown fields anywhere in the
// plan, or an operation the stub does not implement, are errors.
func ParseSeedPlan(data []byte) (*SeedPlan, error) {
	var p SeedPlan
	if err := strictJSON(data, &p); err != nil {
		return nil, fmt.Errorf("assetcorestub: seed plan: %w", err)
	}
	if p.PlanVersion != "v1" {
		return nil, fmt.Errorf("assetcorestub: seed plan: plan_version %q, want v1", p.PlanVersion)
	}
	if p.NamespaceID == 0 {
		return nil, errors.New("assetcorestub: seed plan: namespace_id must be at least 1")
	}
	return &p, nil
}

// apply applies req to a copy of n and returns the copy, or n unchanged
// when the idempotency key was already applied with the same content.
func (n *namespace) apply(req *CommitRequest) (*namespace, Commit, error) {
	canon, err := json.Marshal(req)
	if err != nil {
		return nil, Commit{}, err
	}
	digest := sha256.Sum256(canon)
	if prev, ok := n.applied[req.IdempotencyKey]; ok && req.IdempotencyKey != "" {
		if prev.digest != digest {
			return nil, Commit{}, fmt.Errorf("idempotency key %q reused with different operations", req.IdempotencyKey)
		}
		return n, prev.commit, nil
	}
	next := n.clone()
	for i, op := range req.Operations {
		if err := next.applyOp(op); err != nil {
			return nil, Commit{}, fmt.Errorf("operations[%d] (%s): %w", i, op.Op, err)
		}
	}
	h := sha256.New()
	h.Write([]byte(n.chainHash))
	h.Write(digest[:])
	next.chainHash = hex.EncodeToString(h.Sum(nil))
	next.commitID = "c" + next.chainHash[:24]
	next.worldSeq++
	c := Commit{NamespaceID: n.id, CommitID: next.commitID, WorldSeq: next.worldSeq, ChainHash: next.chainHash}
	if req.IdempotencyKey != "" {
		next.applied[req.IdempotencyKey] = appliedCommit{commit: c, digest: digest}
	}
	return next, c, nil
}

func (n *namespace) applyOp(op Operation) error {
	switch op.Op {
	case "RegisterClass":
		var a struct {
			Request struct {
				ClassID  string `json:"class_id"`
				Name     string `json:"name"`
				Flags    int64  `json:"flags"`
				Behavior *struct {
					BalanceScale int64 `json:"balance_scale"`
				} `json:"behavior"`
			} `json:"request"`
		}
		if err := strictJSON(op.Args, &a); err != nil {
			return err
		}
		r := a.Request
		if r.ClassID == "" || n.classes[r.ClassID] != nil {
			return fmt.Errorf("class id %q is empty or already registered", r.ClassID)
		}
		cl := &class{id: r.ClassID, name: r.Name, flags: r.Flags, width: 1, height: 1}
		if r.Behavior != nil {
			cl.balanceScale = r.Behavior.BalanceScale
		}
		n.classes[r.ClassID] = cl
		return nil
	case "RegisterClassShape":
		var a struct {
			Request struct {
				ClassID string `json:"class_id"`
				Shape   struct {
					Width  int64 `json:"width"`
					Height int64 `json:"height"`
				} `json:"shape"`
			} `json:"request"`
		}
		if err := strictJSON(op.Args, &a); err != nil {
			return err
		}
		cl := n.classes[a.Request.ClassID]
		if cl == nil {
			return fmt.Errorf("class %q is not registered", a.Request.ClassID)
		}
		if s := a.Request.Shape; s.Width < 1 || s.Height < 1 {
			return fmt.Errorf("shape %dx%d is not at least 1x1", s.Width, s.Height)
		}
		cl.width, cl.height = a.Request.Shape.Width, a.Request.Shape.Height
		return nil
	case "CreateContainer":
		return n.createContainer(op.Args)
	case "AddFungible":
		return n.addFungible(op.Args)
	case "AddInstance":
		return n.addInstance(op.Args)
	}
	return fmt.Errorf("operation %q is not implemented by the stub", op.Op)
}

func (n *namespace) createContainer(args json.RawMessage) error {
	var a struct {
		ExternalID string `json:"external_id"`
		Kind       struct {
			Type            string `json:"type"`
			QuantizationInv *int64 `json:"quantization_inv"`
			Capacity        *int64 `json:"capacity"`
			GridWidth       *int64 `json:"grid_width"`
			Count           *int64 `json:"count"`
			MinX            *int64 `json:"min_x"`
			MaxX            *int64 `json:"max_x"`
			MinY            *int64 `json:"min_y"`
			MaxY            *int64 `json:"max_y"`
		} `json:"kind"`
	}
	if err := strictJSON(args, &a); err != nil {
		return err
	}
	if a.ExternalID == "" || n.containers[a.ExternalID] != nil {
		return fmt.Errorf("container id %q is empty or already exists", a.ExternalID)
	}
	k := a.Kind
	c := &container{id: a.ExternalID, balances: map[stackKey]int64{}, cells: map[int64]*cell{}, slots: map[int64]*instance{}}
	// want checks the kind's required and optional fields; every other
	// field must be absent.
	set := map[string]*int64{"quantization_inv": k.QuantizationInv, "capacity": k.Capacity, "grid_width": k.GridWidth,
		"count": k.Count, "min_x": k.MinX, "max_x": k.MaxX, "min_y": k.MinY, "max_y": k.MaxY}
	want := func(required []string, optional ...string) error {
		for name, v := range set {
			req, opt := slices.Contains(required, name), slices.Contains(optional, name)
			switch {
			case v == nil && req:
				return fmt.Errorf("container type %s needs %s", k.Type, name)
			case v != nil && !req && !opt:
				return fmt.Errorf("container type %s has no %s", k.Type, name)
			}
		}
		return nil
	}
	var err error
	switch k.Type {
	case "balance":
		err = want([]string{"quantization_inv"})
		if err == nil {
			c.kind, c.quantizationInv = KindBalance, *k.QuantizationInv
		}
	case "grid":
		err = want([]string{"capacity"}, "grid_width")
		if err == nil {
			c.kind, c.capacity = KindGrid1D, *k.Capacity
			if k.GridWidth != nil {
				c.kind, c.gridWidth = KindGrid2D, *k.GridWidth
				if c.gridWidth < 1 || c.capacity%c.gridWidth != 0 {
					err = fmt.Errorf("grid_width %d does not divide capacity %d", c.gridWidth, c.capacity)
				}
			}
		}
	case "slots":
		err = want([]string{"count"})
		if err == nil {
			c.kind, c.slotCount = KindSlots, *k.Count
		}
	case "continuous_line_1d":
		err = want([]string{"quantization_inv", "min_x", "max_x"})
		if err == nil {
			c.kind, c.quantizationInv, c.minX, c.maxX = KindLine, *k.QuantizationInv, *k.MinX, *k.MaxX
		}
	case "continuous_grid_2d":
		err = want([]string{"quantization_inv", "min_x", "max_x", "min_y", "max_y"})
		if err == nil {
			c.kind, c.quantizationInv = KindPlane, *k.QuantizationInv
			c.minX, c.maxX, c.minY, c.maxY = *k.MinX, *k.MaxX, *k.MinY, *k.MaxY
		}
	default:
		err = fmt.Errorf("container type %q is not implemented by the stub", k.Type)
	}
	switch {
	case err != nil:
		return err
	case k.QuantizationInv != nil && c.quantizationInv < 1,
		k.Capacity != nil && c.capacity < 1,
		k.Count != nil && c.slotCount < 1:
		return fmt.Errorf("container %s: sizes and scales must be at least 1", c.id)
	case c.minX > c.maxX || c.minY > c.maxY:
		return fmt.Errorf("container %s: min bound above max bound", c.id)
	}
	n.containers[c.id] = c
	return nil
}

// strictJSON decodes exactly one JSON value into v, refusing unknown fields.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}
