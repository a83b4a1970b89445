"""What `gallery bench` says: the model's facts, and its results as readable lines."""

from __future__ import annotations

from typing import Any

from gallery.bench.search import RECALL_TARGET
from gallery.bench.vit import bench_facts
from gallery.ml.model_folder import ModelFolder


def model_facts(folder: ModelFolder) -> dict[str, Any]:
    """Name, layout and cost per image (counted from the graph for bench models, else the
    config's estimate)."""
    facts = bench_facts(folder.path)
    counted = facts.get("image_macs_counted")
    estimate = folder.vision.gflops if folder.vision is not None else None
    return {
        "name": folder.name,
        "path": str(folder.path),
        "layout": folder.layout,
        "bench_arch": facts.get("arch"),
        "gflops_per_image": 2 * counted / 1e9 if counted else estimate,
        "gflops_counted": bool(counted),
    }


def _share_lines(stages: dict[str, dict[str, float]]) -> list[str]:
    return [
        f"  {name:<7} {row['seconds']:8.2f} s  {100 * row['share']:5.1f} %"
        for name, row in stages.items()
    ]


def index_lines(result: dict[str, Any]) -> list[str]:
    pipeline, bound, naive = result["pipeline"], result["bound"], result["naive"]
    model, photos = result["model"], result["photos"]
    gflops = model["gflops_per_image"]
    cost = f", {gflops:.1f} GFLOPs/image" if gflops else ""
    memory = pipeline["memory"]
    lines = [
        f"model {model['name']}{cost} on {result['device']} ({result['provider']})",
        f"batch {result['batch_size']}, threads {result['threads'] or 'default'}, "
        f"decode threads {result['decode_threads']}; model loaded in "
        f"{result['model_load_seconds']:.1f} s",
        f"{photos['count']} photos, {photos['mean_megabytes']:.1f} MB each, in {photos['folder']}",
        f"pipeline: {pipeline['images_per_second']:.2f} img/s ({pipeline['embedded']} in "
        f"{pipeline['seconds']:.1f} s); stage thread-seconds:",
        *_share_lines(pipeline["stages"]),
        f"bound: {bound['images_per_second']:.2f} img/s = {bound['cores']} cores / "
        f"(model {bound['model_core_seconds_per_image']:.4f} + decode "
        f"{bound['decode_core_seconds_per_image']:.4f} core-s/image), model at batch "
        f"{bound['model_best_batch']}; mean of {bound['before_images_per_second']:.2f} before "
        f"and {bound['after_images_per_second']:.2f} after the pipeline",
        f"efficiency: {result['efficiency']:.2f} of the bound",
        f"naive: {naive['images_per_second']:.2f} img/s -> "
        f"{result['speedup_vs_naive']:.1f}x faster",
        "model alone, img/s by batch: "
        + ", ".join(f"{p['batch']}: {p['images_per_second']:.2f}" for p in result["batch_curve"]),
        f"memory: RSS {memory['rss_before_mb'] or 0:.0f} MB before, "
        f"{memory['rss_peak_mb'] or 0:.0f} MB peak while indexing",
    ]
    return lines


def search_lines(result: dict[str, Any]) -> list[str]:
    lines = [
        f"model {result['model']['name']}; text queries end to end (tokenizer, text "
        f"tower, knn, SQLite rows), k={result['sizes'][0]['k'] if result['sizes'] else 0}"
    ]
    for row in result["sizes"]:
        build, search = row["build"], row["search"]
        lines.append(
            f"{row['vectors']:>9,} {row['kind']} vectors: p50 {search['p50_ms']:.1f} ms, "
            f"p95 {search['p95_ms']:.1f} ms (text alone p50 {row['text_only']['p50_ms']:.1f}, "
            f"knn alone p95 {row['knn_only']['p95_ms']:.2f} ms) at ef {row['ef']}, recall@10 "
            f"{row['recall_at_10']:.3f} (least ef for {RECALL_TARGET}: {row['least_ef']['ef']}); "
            f"first query {row['first_query_seconds']:.2f} s, "
            f"open {row['open_seconds']:.2f} s, RSS "
            f"{row['memory']['rss_after_queries_mb'] or 0:.0f} MB; built in "
            f"{build['sqlite_build_seconds'] + build['index_build_seconds']:.0f} s"
        )
        lines.extend(_filtered_lines(row.get("filtered", [])))
    return lines


def _ms(figures: dict[str, float]) -> str:
    return f"p50 {figures['p50_ms']:.1f} / p95 {figures['p95_ms']:.1f} ms"


def _filtered_lines(rows: list[dict[str, Any]]) -> list[str]:
    lines = []
    for row in rows:
        strategy = ", ".join(f"{plan} at k={k}" for k, plan in row["strategy"].items())
        lines += [
            f"    {100 * row['share']:g} % filter ({row['folders']} folders, "
            f"{row['allowed']:,} photos): {_ms(row['search'])} with the filter kept, "
            f"{_ms(row['search_filter_changed'])} changed every query; SQL alone "
            f"{_ms(row['sql'])}; first query {1000 * row['first_query_seconds']:.0f} ms; "
            f"recall@10 {row['recall_at_10']:.3f}; strategy {strategy}",
        ]
        for forced in row["strategies"]:
            name = f"      forced {forced['strategy']:<9} k={forced['k']:<4}"
            if "skipped" in forced:
                lines.append(f"{name} not run ({forced['skipped']})")
                continue
            copy = forced.get("copy_seconds")
            copied = f", first query (copies the vectors) {1000 * copy:.0f} ms" if copy else ""
            lines.append(
                f"{name} knn {_ms(forced)}, recall@10 {forced['recall_at_10']:.3f}{copied}"
            )
    return lines
