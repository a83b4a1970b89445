"""Embedding on a Ray cluster: workers decode and encode, the desktop stays the only writer.

`worker` runs on the cluster (one Ray actor per GPU, or per CPU); `embedder` is the desktop's
side, an `Embedder` for the indexer; `connect` reaches the cluster. Ray comes from the optional
`cluster` extra and is imported only when a run asks for a cluster.
"""
