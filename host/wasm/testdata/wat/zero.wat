;; Returns 0 from pv_query: a fatal module error.
;;
;; Build: wat2wasm zero.wat -o zero.wasm   (wabt 1.0.32; see build.sh)
(module
  (memory (export "memory") 2)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 0) "{\"abi\":\"pv1\",\"provider_id\":\"wat\",\"name\":\"WAT fixture\",\"description\":\"A hand-written pv1 module.\",\"version\":\"0.0.1\",\"config_schema\":{\"type\":\"object\"},\"checks\":[{\"check_id\":\"run\",\"description\":\"Run the fixture.\",\"determinism\":\"deterministic\",\"params_required\":false,\"params_schema\":{\"type\":\"object\"},\"result_schema\":{},\"allowed_comparators\":[\"equals\"],\"anchor_types\":[],\"content_types\":[\"application/json\"],\"examples\":[]}],\"notes\":[]}")
  (data (i32.const 1024) "{\"ok\":true,\"result\":{\"value\":{\"kind\":\"json\",\"value\":true},\"lane\":\"verified\",\"error\":null,\"evidence_hash\":null,\"evidence_ref\":null,\"evidence_anchor\":null,\"signature\":null,\"content_type\":\"application/json\"}}")
  (func (export "pv_abi_v1"))
  (func (export "pv_alloc") (param $n i32) (result i32) (if (i32.gt_u (local.get $n) (i32.const 65536)) (then (return (i32.const 0)))) (i32.const 4096))
  (func (export "pv_free") (param i32))
  (func (export "pv_describe") (result i64) (i64.const 432))
  (func (export "pv_query") (param $ptr i32) (param $len i32) (result i64)
    (i64.const 0))
)
