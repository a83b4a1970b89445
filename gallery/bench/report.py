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


def _rate(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def cut_lines(result: dict[str, Any]) -> list[str]:
    """The best-match cut: planted matches (precision and recall of the best set by library
    size and match strength), queries with no match, other margins, the random-weight ViT."""
    lines = [
        f"best-match cut (through {result['path']}, margin {result['margin']:g}); planted "
        "matches in CLIP-like geometry (unrelated median ~0.185), 5 per query:",
        "  photos  strength  precision  recall  best sets         match z  top other z",
    ]
    for row in result["planted"]:
        best = ",".join(str(size) for size in row["best_sizes"])
        match_z = "-" if row["match_z_mean"] is None else f"{row['match_z_mean']:.1f}"
        other = "-" if row["top_other_z_max"] is None else f"{row['top_other_z_max']:.1f}"
        lines.append(
            f"  {row['population']:>6,}  +{row['strength']:.2f}     {_rate(row['precision'])}"
            f"       {_rate(row['recall'])}    {best:<16}  {match_z:>7}  {other:>11}"
        )
    for row in result["no_match"]:
        sizes = ",".join(str(size) for size in row["best_sizes"])
        lines.append(
            f"  no match among {row['population']:,}: best sets {sizes} "
            f"(top z {row['top_other_z_max']:.1f})"
        )
    margins = sorted({row["margin"] for row in result["margins"]})
    lines.append("  recall at other margins: " + " ".join(f"{m:>+5.2f}" for m in margins))
    for row in result["planted"]:
        recall = " ".join(_rate(row["recall_by_margin"][str(m)]).rjust(5) for m in margins)
        lines.append(f"    {row['population']:>6,} +{row['strength']:.2f}       {recall}")
    for label, key in (("precision", "precision"), ("no-match best", "no_match_best")):
        for size in sorted({row["size"] for row in result["margins"]}):
            cells = [row for row in result["margins"] if row["size"] == size]
            values = [
                str(row[key]).rjust(5) if key == "no_match_best" else _rate(row[key]).rjust(5)
                for row in sorted(cells, key=lambda row: row["margin"])
            ]
            lines.append(f"    {label:<13} {size:>6,} " + " ".join(values))
    vit = result["vit"]
    lines.append(
        f"random weights ({vit['model']}), {vit['photos']} photos ({vit['real']} from the "
        "corpus, crops included): text, best set, median, spread, top score, top z"
    )
    for row in vit["queries"]:
        top = "-" if row["top_score"] is None else f"{row['top_score']:.3f}"
        top_z = "-" if row["top_z"] is None else f"{row['top_z']:.1f}"
        lines.append(
            f"  {row['text']!r:<32} {row['best']:>3}  {row['median']:+.3f}  {row['spread']:.3f}"
            f"  {top}  {top_z}"
        )
    return lines
