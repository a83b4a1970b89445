<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} 秒</translation>
    </message>
    <message>
        <source>{minutes} min</source>
        <translation>{minutes} 分钟</translation>
    </message>
    <message>
        <source>{hours} h {minutes:02d} min</source>
        <translation>{hours} 小时 {minutes:02d} 分钟</translation>
    </message>
    <message>
        <source>about {time} left</source>
        <translation>约剩 {time}</translation>
    </message>
    <message>
        <source>a repair rebuilds it from the library</source>
        <translation>修复会根据图库重建它</translation>
    </message>
    <message>
        <source>{count} vectors belong to no file</source>
        <translation>{count} 个向量不属于任何文件</translation>
    </message>
    <message>
        <source>Deleted {count} rows: vectors belong to no file.</source>
        <translation>已删除 {count} 行：不属于任何文件的向量。</translation>
    </message>
    <message>
        <source>{count} vectors belong to no model</source>
        <translation>{count} 个向量不属于任何模型</translation>
    </message>
    <message>
        <source>Deleted {count} rows: vectors belong to no model.</source>
        <translation>已删除 {count} 行：不属于任何模型的向量。</translation>
    </message>
    <message>
        <source>{count} files belong to no folder</source>
        <translation>{count} 个文件不属于任何文件夹</translation>
    </message>
    <message>
        <source>Deleted {count} rows: files belong to no folder.</source>
        <translation>已删除 {count} 行：不属于任何文件夹的文件。</translation>
    </message>
    <message>
        <source>{count} vectors have the wrong size for their model</source>
        <translation>{count} 个向量的大小与其模型不符</translation>
    </message>
    <message>
        <source>Deleted {count} rows: vectors have the wrong size for their model.</source>
        <translation>已删除 {count} 行：大小与模型不符的向量。</translation>
    </message>
    <message>
        <source>There is no library yet at {db}.</source>
        <translation>{db} 处还没有图库。</translation>
    </message>
    <message>
        <source>checking this library</source>
        <translation>正在检查此图库</translation>
    </message>
    <message>
        <source>Another Lumen Gallery is writing to this library, so its vector index files are not compared (they are saved when it finishes); check again afterwards.</source>
        <translation>另一个 Lumen Gallery 正在写入此图库，因此未比对其向量索引文件（它完成时会保存这些文件）；请稍后再检查一次。</translation>
    </message>
    <message>
        <source>repairing this library</source>
        <translation>正在修复此图库</translation>
    </message>
    <message>
        <source>Removed the leftover temporary file {name}.</source>
        <translation>已删除残留的临时文件 {name}。</translation>
    </message>
    <message>
        <source>Rebuilt the vector index of {name} ({count} vectors).</source>
        <translation>已重建 {name} 的向量索引（{count} 个向量）。</translation>
    </message>
    <message>
        <source>The library database cannot be opened: {error}</source>
        <translation>无法打开图库数据库：{error}</translation>
    </message>
    <message>
        <source>Restore library.sqlite3 from a backup, or move it away and index again into a new library (your photos are never touched).</source>
        <translation>请从备份恢复 library.sqlite3，或将其移走，再建立一个新图库并重新建立索引（您的照片不会被改动）。</translation>
    </message>
    <message>
        <source>The library database failed its integrity check: {damage}</source>
        <translation>图库数据库未通过完整性检查：{damage}</translation>
    </message>
    <message>
        <source>a repair rebuilds the database&apos;s indexes; if that is not enough, restore library.sqlite3 from a backup</source>
        <translation>修复会重建数据库的索引；如果仍不够，请从备份恢复 library.sqlite3</translation>
    </message>
    <message>
        <source>a repair deletes them</source>
        <translation>修复会删除它们</translation>
    </message>
    <message>
        <source>The vector index of {name} ({file}) is missing</source>
        <translation>{name} 的向量索引（{file}）不见了</translation>
    </message>
    <message>
        <source>The vector index of {name} ({file}) cannot be read: {error}</source>
        <translation>无法读取 {name} 的向量索引（{file}）：{error}</translation>
    </message>
    <message>
        <source>The vector index of {name} ({file}) disagrees with the library: {missing} vectors missing, {extra} that the library does not have</source>
        <translation>{name} 的向量索引（{file}）与图库不一致：缺少 {missing} 个向量，另有 {extra} 个是图库中没有的</translation>
    </message>
    <message>
        <source>{file} is left over from an interrupted save; a repair removes it.</source>
        <translation>{file} 是一次中断的保存留下的；修复会删除它。</translation>
    </message>
    <message>
        <source>{file} belongs to no model in the library; it is not used.</source>
        <translation>{file} 不属于图库中的任何模型，未被使用。</translation>
    </message>
    <message>
        <source>Rebuilt the database&apos;s indexes (REINDEX).</source>
        <translation>已重建数据库的索引（REINDEX）。</translation>
    </message>
    <message>
        <source>everything indexed so far is kept</source>
        <translation>已建立的索引全部保留</translation>
    </message>
    <message>
        <source>The disk holding {folder} is full: could not {doing}.</source>
        <translation>{folder} 所在的磁盘已满：无法{doing}。</translation>
    </message>
    <message>
        <source>Free some space and run again; {kept}.</source>
        <translation>请释放一些空间后重试；{kept}。</translation>
    </message>
    <message>
        <source>{folder} is read-only: could not {doing}.</source>
        <translation>{folder} 是只读的：无法{doing}。</translation>
    </message>
    <message>
        <source>Make it writable (or set LUMEN_HOME to a writable folder) and run again; {kept}.</source>
        <translation>请让它可写（或将 LUMEN_HOME 设为一个可写的文件夹）后重试；{kept}。</translation>
    </message>
    <message>
        <source>Could not {doing} in {folder}: {reason}.</source>
        <translation>无法在 {folder} 中{doing}：{reason}。</translation>
    </message>
    <message>
        <source>Check the disk, then check the library; {kept}.</source>
        <translation>请检查磁盘，然后检查图库；{kept}。</translation>
    </message>
    <message>
        <source>write the library database</source>
        <translation>写入图库数据库</translation>
    </message>
    <message>
        <source>The library database {db} stayed locked by another program.</source>
        <translation>图库数据库 {db} 一直被另一个程序锁定。</translation>
    </message>
    <message>
        <source>Close other programs using it and run again.</source>
        <translation>请关闭正在使用它的其他程序后重试。</translation>
    </message>
    <message>
        <source>The library database {db} is damaged ({error}).</source>
        <translation>图库数据库 {db} 已损坏（{error}）。</translation>
    </message>
    <message>
        <source>A check shows what is wrong, and a repair fixes what can be fixed.</source>
        <translation>检查可以查明问题所在，修复可以修好能修好的部分。</translation>
    </message>
    <message>
        <source>Reading or writing the library database {db} failed ({error}).</source>
        <translation>读写图库数据库 {db} 失败（{error}）。</translation>
    </message>
    <message>
        <source>Check that the disk is connected and healthy, then run again; {kept}.</source>
        <translation>请确认磁盘已连接且工作正常，然后重试；{kept}。</translation>
    </message>
    <message>
        <source>The library database {db} cannot be opened: {error}.</source>
        <translation>无法打开图库数据库 {db}：{error}。</translation>
    </message>
    <message>
        <source>A check of the library says more.</source>
        <translation>检查图库可以了解更多。</translation>
    </message>
    <message>
        <source>The folder {path} disappeared during indexing (was its drive disconnected?).</source>
        <translation>建立索引时文件夹 {path} 不见了（是否断开了它所在的驱动器？）。</translation>
    </message>
    <message>
        <source>Reconnect it and index again; {kept}.</source>
        <translation>请重新连接后再次建立索引；{kept}。</translation>
    </message>
    <message>
        <source>indexing this library</source>
        <translation>正在为此图库建立索引</translation>
    </message>
    <message>
        <source>The folder {root} does not exist or is not a folder.</source>
        <translation>文件夹 {root} 不存在，或不是文件夹。</translation>
    </message>
    <message>
        <source>Check the path, or reconnect the drive it is on.</source>
        <translation>请检查路径，或重新连接它所在的驱动器。</translation>
    </message>
    <message>
        <source>The folder {root} is empty now, but the library holds {known} photos from it.</source>
        <translation>文件夹 {root} 现在是空的，但图库中有来自它的 {known} 张照片。</translation>
    </message>
    <message>
        <source>If it is on a drive that is not connected, connect it and index again; if you emptied it on purpose, remove the folder from the library ({kept}).</source>
        <translation>如果它位于未连接的驱动器上，请连接后再次建立索引；如果是您有意清空的，请从图库中移除该文件夹（{kept}）。</translation>
    </message>
    <message>
        <source>saving this library&apos;s vector index</source>
        <translation>正在保存此图库的向量索引</translation>
    </message>
    <message>
        <source>pid {pid} on {host}, since {since}</source>
        <translation>{host} 上的进程 {pid}，开始于 {since}</translation>
    </message>
    <message>
        <source>pid {pid}, since {since}</source>
        <translation>进程 {pid}，开始于 {since}</translation>
    </message>
    <message>
        <source>lock the library for writing</source>
        <translation>锁定图库以便写入</translation>
    </message>
    <message>
        <source>Another Lumen Gallery is writing to this library.</source>
        <translation>另一个 Lumen Gallery 正在写入此图库。</translation>
    </message>
    <message>
        <source>Another Lumen Gallery is {task} ({owner}).</source>
        <translation>另一个 Lumen Gallery {task}（{owner}）。</translation>
    </message>
    <message>
        <source>Wait for it to finish and try again.</source>
        <translation>请等它完成后再试。</translation>
    </message>
    <message>
        <source>deleting the index of {model}</source>
        <translation>正在删除 {model} 的索引</translation>
    </message>
    <message>
        <source>create the library folder</source>
        <translation>创建图库文件夹</translation>
    </message>
    <message>
        <source>create the library database</source>
        <translation>创建图库数据库</translation>
    </message>
    <message>
        <source>The library {path} was written by a newer Lumen Gallery (schema {version}, this version knows {known}).</source>
        <translation>图库 {path} 由更新版本的 Lumen Gallery 写入（结构版本 {version}，此版本只支持到 {known}）。</translation>
    </message>
    <message>
        <source>Update Lumen Gallery.</source>
        <translation>请更新 Lumen Gallery。</translation>
    </message>
    <message>
        <source>The library holds {held}-d vectors for model {name!r}, but the model now gives {dim}-d vectors.</source>
        <translation>图库中模型 {name!r} 的向量是 {held} 维，但该模型现在给出 {dim} 维向量。</translation>
    </message>
    <message>
        <source>Import the model under a new name, or remove its old index.</source>
        <translation>请用新名称导入该模型，或删除它的旧索引。</translation>
    </message>
    <message>
        <source>{given}-d vectors for a {dim}-d model index.</source>
        <translation>{given} 维向量不能放入 {dim} 维的模型索引。</translation>
    </message>
    <message>
        <source>This is a bug; please report it with the log file.</source>
        <translation>这是一个程序错误；请附上日志文件报告它。</translation>
    </message>
    <message>
        <source>save the vector index</source>
        <translation>保存向量索引</translation>
    </message>
    <message>
        <source>The model {name} has no {precision!r} precision.</source>
        <extracomment>A catalog file read instead of the packaged one (a mirror with pins of its own; the tests&apos; loopback hub, whose tiny stand-in files cannot match the published SHA-256). &quot;hf&quot;: separate onnx/vision_model*.onnx and onnx/text_model*.onnx; &quot;hf-combined&quot;: one onnx/model*.onnx holding both towers, split at install time; &quot;immich&quot;: visual/ + textual/. Model families: how a folder&apos;s text and pixels are prepared beyond what its files say. Text cleaning before tokenising (Immich / open_clip): &quot;whitespace&quot; collapses runs of whitespace; &quot;canonicalize&quot; also lower-cases and removes punctuation. A language prefix glued before the query: &quot;flores-200&quot; (nllb-clip). Published retrieval per language (&quot;en&quot;, &quot;zh&quot;): Crossmodal-3600 mean of R@1/5/10 in %. The default precision&apos;s files: the exact sum where sizes are known, else an estimate. Why `revision` is not a 40-hex commit id (None when it is one).</extracomment>
        <translation>模型 {name} 没有 {precision!r} 精度。</translation>
    </message>
    <message>
        <source>Choose one of: {precisions}.</source>
        <translation>请从以下选择一个：{precisions}。</translation>
    </message>
    <message>
        <source>The catalog has no model named {name!r}.</source>
        <translation>模型目录中没有名为 {name!r} 的模型。</translation>
    </message>
    <message>
        <source>Known models: {names}. Any Hugging Face repository in a supported layout can be downloaded too.</source>
        <translation>已知模型：{names}。也可以下载任何布局受支持的 Hugging Face 仓库。</translation>
    </message>
    <message>
        <source>is not a JSON object</source>
        <translation>不是 JSON 对象</translation>
    </message>
    <message>
        <source>The model catalog is damaged: {where} {problem}.</source>
        <translation>模型目录已损坏：{where} {problem}。</translation>
    </message>
    <message>
        <source>Reinstall Lumen Gallery or fix {path}.</source>
        <translation>请重新安装 Lumen Gallery，或修正 {path}。</translation>
    </message>
    <message>
        <source>has no {key!r}</source>
        <translation>缺少 {key!r}</translation>
    </message>
    <message>
        <source>has a malformed {key!r}</source>
        <translation>的 {key!r} 格式不正确</translation>
    </message>
    <message>
        <source>pins {file} to a malformed SHA-256</source>
        <translation>为 {file} 指定的 SHA-256 格式不正确</translation>
    </message>
    <message>
        <source>is not a list of files</source>
        <translation>不是文件列表</translation>
    </message>
    <message>
        <source>{where}[{index}]</source>
        <translation>{where}[{index}]</translation>
    </message>
    <message>
        <source>model {name!r}</source>
        <translation>模型 {name!r}</translation>
    </message>
    <message>
        <source>has an unknown layout {layout!r}</source>
        <translation>的布局 {layout!r} 未知</translation>
    </message>
    <message>
        <source>{where} preprocessing</source>
        <translation>{where} 的预处理</translation>
    </message>
    <message>
        <source>{where} tokenizer</source>
        <translation>{where} 的分词器</translation>
    </message>
    <message>
        <source>{where} precision {key!r}</source>
        <translation>{where} 的精度 {key!r}</translation>
    </message>
    <message>
        <source>has no files for its default {precision!r}</source>
        <translation>没有其默认精度 {precision!r} 的文件</translation>
    </message>
    <message>
        <source>has a malformed &apos;batch_sizes&apos;</source>
        <translation>的 &apos;batch_sizes&apos; 格式不正确</translation>
    </message>
    <message>
        <source>follows {revision!r} without a &apos;revision_note&apos; saying why</source>
        <translation>跟随 {revision!r}，但没有说明原因的 &apos;revision_note&apos;</translation>
    </message>
    <message>
        <source>{where} common_files</source>
        <translation>{where} 的 common_files</translation>
    </message>
    <message>
        <source>has an unknown {key!r}: {value!r}</source>
        <translation>有未知的 {key!r}：{value!r}</translation>
    </message>
    <message>
        <source>has a malformed &apos;recall&apos;</source>
        <translation>的 &apos;recall&apos; 格式有误</translation>
    </message>
    <message>
        <source>The model catalog {path} cannot be read: {error}.</source>
        <translation>无法读取模型目录 {path}：{error}。</translation>
    </message>
    <message>
        <source>Reinstall Lumen Gallery, or import a model folder.</source>
        <translation>请重新安装 Lumen Gallery，或导入一个模型文件夹。</translation>
    </message>
    <message>
        <source>the top level</source>
        <translation>顶层</translation>
    </message>
    <message>
        <source>names an unknown default {default!r}</source>
        <translation>指定了未知的默认模型 {default!r}</translation>
    </message>
    <message>
        <source>The model {name} is inconsistent: {detail}.</source>
        <translation>模型 {name} 前后不一致：{detail}。</translation>
    </message>
    <message>
        <source>Image and text vectors must share one space; re-import a matching pair.</source>
        <translation>图像向量和文本向量必须处于同一空间；请重新导入相互匹配的一对。</translation>
    </message>
    <message>
        <source>The model file {path} cannot be loaded: {error}.</source>
        <translation>无法加载模型文件 {path}：{error}。</translation>
    </message>
    <message>
        <source>Re-download or re-import the model.</source>
        <translation>请重新下载或重新导入该模型。</translation>
    </message>
    <message>
        <source>its image tower gives {dim}-d vectors but the rest of the model uses {model_dim}-d</source>
        <extracomment>uint8 pixels [batch, H, W, 3] that the graph normalises itself (newer Immich exports). Where the output is bound (None: plain `run`); any ORT device works, &quot;cpu&quot; included.</extracomment>
        <translation>它的图像部分给出 {dim} 维向量，而模型其余部分使用 {model_dim} 维</translation>
    </message>
    <message>
        <source>its text tower gives {dim}-d vectors but the rest of the model uses {model_dim}-d</source>
        <translation>它的文本部分给出 {dim} 维向量，而模型其余部分使用 {model_dim} 维</translation>
    </message>
    <message>
        <source>image vectors are {image}-d, text vectors {text}-d</source>
        <translation>图像向量为 {image} 维，文本向量为 {text} 维</translation>
    </message>
    <message>
        <source>it gave {dim}-d vectors where {expected}-d were expected</source>
        <translation>它给出了 {dim} 维向量，而应为 {expected} 维</translation>
    </message>
    <message>
        <source>it was never finished (no completion marker)</source>
        <extracomment>What an installed folder knows about itself beyond the published configs (from the catalog). Folders of an install or removal in progress: `.&lt;kind&gt;-&lt;model name&gt;-&lt;8 hex digits&gt;`.</extracomment>
        <translation>它从未安装完成（没有完成标记）</translation>
    </message>
    <message>
        <source>its completion marker is unreadable</source>
        <translation>它的完成标记无法读取</translation>
    </message>
    <message>
        <source>{file} is missing</source>
        <translation>缺少 {file}</translation>
    </message>
    <message>
        <source>{file} has {size} bytes where {installed} were installed</source>
        <translation>{file} 有 {size} 字节，而安装时是 {installed} 字节</translation>
    </message>
    <message>
        <source>Another download, import or removal of the model {name} is in progress.</source>
        <translation>模型 {name} 正在被另一处下载、导入或删除。</translation>
    </message>
    <message>
        <source>The model file {path} cannot be read: {error}.</source>
        <extracomment>Text cleaning before tokenising, as Immich and open_clip do: &quot;whitespace&quot; collapses runs of whitespace; &quot;canonicalize&quot; also lower-cases and removes punctuation. Batch size per device class (&quot;gpu&quot;, &quot;cpu&quot;) from the catalog; None: sized by the heuristic. &quot;clip&quot;, &quot;siglip&quot;, &quot;nllb-siglip&quot;, &quot;mclip&quot;, &quot;mobileclip&quot;, &quot;chinese-clip&quot;; None: unknown. &quot;flores-200&quot;: the query is prefixed with its FLORES-200 language code (nllb-clip).</extracomment>
        <translation>无法读取模型文件 {path}：{error}。</translation>
    </message>
    <message>
        <source>The model file {path} is not a JSON object.</source>
        <translation>模型文件 {path} 不是 JSON 对象。</translation>
    </message>
    <message>
        <source>Re-import the model.</source>
        <translation>请重新导入该模型。</translation>
    </message>
    <message>
        <source>The model folder {folder} ({layout} layout) is incomplete: missing {files}.</source>
        <translation>模型文件夹 {folder}（{layout} 布局）不完整：缺少 {files}。</translation>
    </message>
    <message>
        <source>Download the model again or import a complete folder.</source>
        <translation>请重新下载该模型，或导入一个完整的文件夹。</translation>
    </message>
    <message>
        <source>No model folder at {folder}.</source>
        <translation>{folder} 处没有模型文件夹。</translation>
    </message>
    <message>
        <source>Check the path.</source>
        <translation>请检查路径。</translation>
    </message>
    <message>
        <source>The model folder {folder} is incomplete or damaged: {problem}.</source>
        <translation>模型文件夹 {folder} 不完整或已损坏：{problem}。</translation>
    </message>
    <message>
        <source>Download it again, or re-import it.</source>
        <translation>请重新下载或重新导入它。</translation>
    </message>
    <message>
        <source>{folder} is not a CLIP model folder in a supported layout.</source>
        <translation>{folder} 不是布局受支持的 CLIP 模型文件夹。</translation>
    </message>
    <message>
        <source>Expected visual/ and textual/ (Immich export) or onnx/vision_model.onnx and onnx/text_model.onnx (Hugging Face / transformers.js export).</source>
        <translation>应包含 visual/ 和 textual/（Immich 导出），或 onnx/vision_model.onnx 和 onnx/text_model.onnx（Hugging Face / transformers.js 导出）。</translation>
    </message>
    <message>
        <source>GPU: {provider}</source>
        <translation>GPU：{provider}</translation>
    </message>
    <message>
        <source>CPU — {provider} unavailable: {reason}</source>
        <translation>CPU — {provider} 不可用：{reason}</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>The {provider} provider is not part of the installed ONNX Runtime {version} (it offers: {offered}).</source>
        <translation>已安装的 ONNX Runtime {version} 不包含 {provider} 执行器（它提供：{offered}）。</translation>
    </message>
    <message>
        <source>Choose another device, or install the ONNX Runtime build that has it.</source>
        <translation>请选择其他设备，或安装包含它的 ONNX Runtime 版本。</translation>
    </message>
    <message>
        <source>Unknown device {device!r}.</source>
        <translation>未知设备 {device!r}。</translation>
    </message>
    <message>
        <source>Use one of: {devices}.</source>
        <translation>请使用以下之一：{devices}。</translation>
    </message>
    <message>
        <source>CUDA is not available on macOS</source>
        <translation>macOS 上没有 CUDA</translation>
    </message>
    <message>
        <source>no NVIDIA driver found ({library} cannot be loaded)</source>
        <translation>未找到 NVIDIA 驱动（无法加载 {library}）</translation>
    </message>
    <message>
        <source>this ONNX Runtime build has no CUDA support ({library} is missing)</source>
        <translation>此 ONNX Runtime 版本不支持 CUDA（缺少 {library}）</translation>
    </message>
    <message>
        <source>CUDA/cuDNN libraries are missing or do not match: {error}. Install the CUDA and cuDNN runtime this ONNX Runtime was built for ({command})</source>
        <translation>CUDA/cuDNN 库缺失或版本不匹配：{error}。请安装此 ONNX Runtime 所对应的 CUDA 和 cuDNN 运行库（{command}）</translation>
    </message>
    <message>
        <source>the CUDA provider failed to start (see the log for ONNX Runtime&apos;s message)</source>
        <translation>CUDA 执行器未能启动（ONNX Runtime 的信息见日志）</translation>
    </message>
    <message>
        <source>{provider} could not be started by ONNX Runtime</source>
        <translation>ONNX Runtime 无法启动 {provider}</translation>
    </message>
    <message>
        <source>{name!r} is not a usable model name.</source>
        <extracomment>`models/` of a source checkout: model folders dropped there by hand (no marker needed). Installed, the same place is site-packages/models (or a bundle&apos;s), nobody&apos;s model folder: the registry searches it only beside the checkout&apos;s pyproject.toml, and only if it exists.</extracomment>
        <translation>{name!r} 不能用作模型名称。</translation>
    </message>
    <message>
        <source>Use letters, digits, &apos;.&apos;, &apos;_&apos;, &apos;+&apos; or &apos;-&apos;.</source>
        <translation>请使用字母、数字、&apos;.&apos;、&apos;_&apos;、&apos;+&apos; 或 &apos;-&apos;。</translation>
    </message>
    <message>
        <source>The model {name} is incomplete or damaged: {problem}.</source>
        <translation>模型 {name} 不完整或已损坏：{problem}。</translation>
    </message>
    <message>
        <source>Install it again: download it or re-import its folder.</source>
        <translation>请重新安装它：下载，或重新导入它的文件夹。</translation>
    </message>
    <message>
        <source>No installed model named {name!r} (installed: {known}).</source>
        <translation>没有已安装的名为 {name!r} 的模型（已安装：{known}）。</translation>
    </message>
    <message>
        <source>No installed model named {name!r} (installed: none).</source>
        <translation>没有已安装的名为 {name!r} 的模型（尚未安装任何模型）。</translation>
    </message>
    <message>
        <source>Check the name against the models there are, or import one.</source>
        <translation>请对照现有模型检查名称，或导入一个模型。</translation>
    </message>
    <message>
        <source>No model is installed.</source>
        <translation>尚未安装任何模型。</translation>
    </message>
    <message>
        <source>Download one from the catalog, or import a model folder.</source>
        <translation>请从模型目录下载一个，或导入一个模型文件夹。</translation>
    </message>
    <message>
        <source>Several models are installed ({names}); say which one.</source>
        <translation>已安装多个模型（{names}）；请指定使用哪一个。</translation>
    </message>
    <message>
        <source>Choose one, or set a default model in the settings.</source>
        <translation>请选择一个，或在设置中指定默认模型。</translation>
    </message>
    <message>
        <source>{repo} holds no CLIP model in a supported layout.</source>
        <extracomment>File-name suffix of each precision in Hugging Face / transformers.js exports.</extracomment>
        <translation>{repo} 中没有布局受支持的 CLIP 模型。</translation>
    </message>
    <message>
        <source>Expected onnx/vision_model.onnx and onnx/text_model.onnx, onnx/model.onnx (both towers in one graph), or visual/model.onnx and textual/model.onnx (Immich).</source>
        <translation>应包含 onnx/vision_model.onnx 和 onnx/text_model.onnx、onnx/model.onnx（两部分在同一个图中），或 visual/model.onnx 和 textual/model.onnx（Immich）。</translation>
    </message>
    <message>
        <source>{repo} has no {precision!r} precision.</source>
        <translation>{repo} 没有 {precision!r} 精度。</translation>
    </message>
    <message>
        <source>{file} points at weights outside its folder ({location!r}).</source>
        <translation>{file} 指向其文件夹之外的权重（{location!r}）。</translation>
    </message>
    <message>
        <source>Refusing to install it; use another repository.</source>
        <translation>拒绝安装；请使用其他仓库。</translation>
    </message>
    <message>
        <source>Waiting for another download of {name}…</source>
        <translation>正在等待 {name} 的另一个下载完成…</translation>
    </message>
    <message>
        <source>The disk is full while installing {name} into {folder}.</source>
        <translation>将 {name} 安装到 {folder} 时磁盘已满。</translation>
    </message>
    <message>
        <source>Could not install the model into {target}: {error}.</source>
        <translation>无法将模型安装到 {target}：{error}。</translation>
    </message>
    <message>
        <source>Check the permissions.</source>
        <translation>请检查权限。</translation>
    </message>
    <message>
        <source>Check free disk space and permissions.</source>
        <translation>请检查磁盘剩余空间和权限。</translation>
    </message>
    <message>
        <source>The model {name} is a folder of the source checkout ({folder}), not an installed one.</source>
        <translation>模型 {name} 是源代码目录中的文件夹（{folder}），不是已安装的模型。</translation>
    </message>
    <message>
        <source>Delete that folder yourself if you no longer want it.</source>
        <translation>如果不再需要，请自行删除该文件夹。</translation>
    </message>
    <message>
        <source>No installed model named {name!r}.</source>
        <translation>没有已安装的名为 {name!r} 的模型。</translation>
    </message>
    <message>
        <source>Check the name against the installed models.</source>
        <translation>请对照已安装的模型检查名称。</translation>
    </message>
    <message>
        <source>The combined model {path} cannot be read: {error}.</source>
        <translation>无法读取合并模型 {path}：{error}。</translation>
    </message>
    <message>
        <source>Download it again.</source>
        <translation>请重新下载。</translation>
    </message>
    <message>
        <source>The combined model {path} has no {output} output, so it cannot be split into an image and a text tower.</source>
        <translation>合并模型 {path} 没有 {output} 输出，无法拆分为图像部分和文本部分。</translation>
    </message>
    <message>
        <source>The combined model {path} has no {first} or {second} output, so it cannot be split into an image and a text tower.</source>
        <translation>合并模型 {path} 没有 {first} 或 {second} 输出，无法拆分为图像部分和文本部分。</translation>
    </message>
    <message>
        <source>Use a CLIP export whose graph returns image_embeds and text_embeds.</source>
        <translation>请使用图会返回 image_embeds 和 text_embeds 的 CLIP 导出。</translation>
    </message>
    <message>
        <source>{output} of {path} depends on no input.</source>
        <translation>{path} 的 {output} 不依赖任何输入。</translation>
    </message>
    <message>
        <source>The export is broken.</source>
        <translation>该导出已损坏。</translation>
    </message>
    <message>
        <source>The tokenizer {path} cannot be loaded: {error}.</source>
        <extracomment>Unicode blocks of the scripts a query is written in: (first, last, script). A script&apos;s usual FLORES-200 code, where the system language does not pick another. System language (ISO 639-1, or language-region) -&gt; its FLORES-200 code.</extracomment>
        <translation>无法加载分词器 {path}：{error}。</translation>
    </message>
    <message>
        <source>The tokenizer {path} has no padding token.</source>
        <translation>分词器 {path} 没有填充标记。</translation>
    </message>
    <message>
        <source>Indexing</source>
        <translation>建立索引</translation>
    </message>
    <message>
        <source>The library check</source>
        <translation>图库检查</translation>
    </message>
    <message>
        <source>The download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>No model is installed, so photos cannot be searched yet.</source>
        <translation>尚未安装模型，因此还不能搜索照片。</translation>
    </message>
    <message>
        <source>The search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>{what} stopped: {error}.</source>
        <translation>{what}已停止：{error}。</translation>
    </message>
    <message>
        <source>{what} failed unexpectedly: {error}.</source>
        <translation>{what}意外失败：{error}。</translation>
    </message>
    <message>
        <source>The log file has the details (Help &gt; Open Logs Folder); please include it in a bug report.</source>
        <translation>详细信息在日志文件中（帮助 &gt; 打开日志文件夹）；报告问题时请附上它。</translation>
    </message>
    <message>
        <source>The repository changed or the mirror serves other files; nothing was downloaded. Update Lumen Gallery or use another HF_ENDPOINT.</source>
        <extracomment>The hint when the hub&apos;s files differ from the pins: nothing was downloaded.</extracomment>
        <translation>仓库已变更，或镜像提供的是其他文件；未下载任何内容。请更新 Lumen Gallery，或使用其他 HF_ENDPOINT。</translation>
    </message>
    <message>
        <source>The disk is full: cannot write {path} ({reason}).</source>
        <extracomment>&quot;wait&quot;: another process is downloading the same model; this one takes over when it ends.</extracomment>
        <translation>磁盘已满：无法写入 {path}（{reason}）。</translation>
    </message>
    <message>
        <source>Free some space and run the download again; it resumes where it stopped.</source>
        <translation>请释放一些空间后重新下载；下载会从中断处继续。</translation>
    </message>
    <message>
        <source>{repo}@{revision} on {endpoint}</source>
        <translation>{endpoint} 上的 {repo}@{revision}</translation>
    </message>
    <message>
        <source>Downloads are switched off (HF_HUB_OFFLINE is set): cannot fetch {what}.</source>
        <translation>下载已关闭（设置了 HF_HUB_OFFLINE）：无法获取 {what}。</translation>
    </message>
    <message>
        <source>Unset HF_HUB_OFFLINE, or import a local model folder.</source>
        <translation>请取消 HF_HUB_OFFLINE，或导入本地的模型文件夹。</translation>
    </message>
    <message>
        <source>Cannot reach {endpoint} to fetch {what}: {error}.</source>
        <translation>无法连接 {endpoint} 以获取 {what}：{error}。</translation>
    </message>
    <message>
        <source>Check your connection or proxy (HTTPS_PROXY), or set HF_ENDPOINT to a mirror (for example {mirror}); or import a local model folder.</source>
        <translation>请检查网络连接或代理（HTTPS_PROXY），或将 HF_ENDPOINT 设为镜像（例如 {mirror}）；也可以导入本地的模型文件夹。</translation>
    </message>
    <message>
        <source>The repository {repo} was not found on {endpoint} (HTTP {status}).</source>
        <translation>在 {endpoint} 上找不到仓库 {repo}（HTTP {status}）。</translation>
    </message>
    <message>
        <source>Check the name. A private or gated repository needs a token (HF_TOKEN).</source>
        <translation>请检查名称。私有或受限的仓库需要令牌（HF_TOKEN）。</translation>
    </message>
    <message>
        <source>The revision {revision!r} of {repo} was not found on {endpoint}.</source>
        <translation>在 {endpoint} 上找不到 {repo} 的版本 {revision!r}。</translation>
    </message>
    <message>
        <source>Check the branch, tag or commit.</source>
        <translation>请检查分支、标签或提交。</translation>
    </message>
    <message>
        <source>{what} was not found in {where} (HTTP 404).</source>
        <translation>在 {where} 中找不到 {what}（HTTP 404）。</translation>
    </message>
    <message>
        <source>The repository may have changed; try another revision or precision.</source>
        <translation>仓库可能已变更；请尝试其他版本或精度。</translation>
    </message>
    <message>
        <source>{repo} is a gated repository: {what} needs approved access.</source>
        <translation>{repo} 是受限仓库：获取 {what} 需要经过批准的访问权限。</translation>
    </message>
    <message>
        <source>Accept its terms on the model page and set HF_TOKEN to a token of yours.</source>
        <translation>请在模型页面接受其条款，并将 HF_TOKEN 设为您自己的令牌。</translation>
    </message>
    <message>
        <source>{repo!r} is not a valid repository id: {error}.</source>
        <translation>{repo!r} 不是有效的仓库名：{error}。</translation>
    </message>
    <message>
        <source>Use the form OWNER/NAME, e.g. {example}.</source>
        <translation>请使用 所有者/名称 的形式，例如 {example}。</translation>
    </message>
    <message>
        <source>{endpoint} does not answer like a Hugging Face hub: {error}.</source>
        <translation>{endpoint} 的应答不像 Hugging Face Hub：{error}。</translation>
    </message>
    <message>
        <source>Check HF_ENDPOINT.</source>
        <translation>请检查 HF_ENDPOINT。</translation>
    </message>
    <message>
        <source>{endpoint} refused {what} of {where} (HTTP {status}).</source>
        <translation>{endpoint} 拒绝提供 {where} 的 {what}（HTTP {status}）。</translation>
    </message>
    <message>
        <source>Try again later, or set HF_ENDPOINT to a mirror.</source>
        <translation>请稍后再试，或将 HF_ENDPOINT 设为镜像。</translation>
    </message>
    <message>
        <source>The connection to {endpoint} failed while fetching {what}: {error}.</source>
        <translation>获取 {what} 时与 {endpoint} 的连接失败：{error}。</translation>
    </message>
    <message>
        <source>Check your connection and run the download again; it resumes where it stopped.</source>
        <translation>请检查网络连接后重新下载；下载会从中断处继续。</translation>
    </message>
    <message>
        <source>the file list</source>
        <translation>文件列表</translation>
    </message>
    <message>
        <source>{endpoint} sent a file list for {repo} that is not the hub&apos;s: {error}.</source>
        <translation>{endpoint} 发来的 {repo} 文件列表不是 Hub 的格式：{error}。</translation>
    </message>
    <message>
        <source>{file} of {repo} on {endpoint} has SHA-256 {sha256}, but it is pinned to {pinned}.</source>
        <translation>{endpoint} 上 {repo} 的 {file} 的 SHA-256 为 {sha256}，但指定值为 {pinned}。</translation>
    </message>
    <message>
        <source>{file} of {repo} on {endpoint} has {size} bytes, but {expected} are expected.</source>
        <translation>{endpoint} 上 {repo} 的 {file} 有 {size} 字节，但应为 {expected} 字节。</translation>
    </message>
    <message>
        <source>Not enough disk space in {dest}: the model needs {needed} more, {free} are free.</source>
        <translation>{dest} 的磁盘空间不足：模型还需要 {needed}，目前剩余 {free}。</translation>
    </message>
    <message>
        <source>Free some space and run the download again.</source>
        <translation>请释放一些空间后重新下载。</translation>
    </message>
    <message>
        <source>The connection to {endpoint} kept breaking while fetching {file}.</source>
        <translation>获取 {file} 时与 {endpoint} 的连接反复中断。</translation>
    </message>
    <message>
        <source>Run the download again; it resumes where it stopped.</source>
        <translation>请重新下载；下载会从中断处继续。</translation>
    </message>
    <message>
        <source>{file} from {endpoint} is longer than its {size} bytes.</source>
        <translation>来自 {endpoint} 的 {file} 超出了它的 {size} 字节。</translation>
    </message>
    <message>
        <source>The server sent different data; nothing was installed. Try again, or use another HF_ENDPOINT.</source>
        <translation>服务器发来的数据不一致；未安装任何内容。请重试，或使用其他 HF_ENDPOINT。</translation>
    </message>
    <message>
        <source>{file} from {repo} failed its SHA-256 check: expected {expected}, got {digest}.</source>
        <translation>来自 {repo} 的 {file} 未通过 SHA-256 校验：应为 {expected}，实际为 {digest}。</translation>
    </message>
    <message>
        <source>The download was corrupted or the server sent other data; nothing was installed. Run the download again, or use another HF_ENDPOINT.</source>
        <translation>下载的数据已损坏，或服务器发来了其他数据；未安装任何内容。请重新下载，或使用其他 HF_ENDPOINT。</translation>
    </message>
    <message>
        <source>The import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>No photos match these filters.</source>
        <extracomment>The `files.format` names a type filter accepts (what `decode_image` reports).</extracomment>
        <translation>没有照片符合这些筛选条件。</translation>
    </message>
    <message>
        <source>Loosen the filters or clear them.</source>
        <translation>放宽或清除筛选条件。</translation>
    </message>
    <message>
        <source>“{text}” is not a date.</source>
        <translation>“{text}”不是日期。</translation>
    </message>
    <message>
        <source>Write dates as YYYY-MM-DD, e.g. 2024-03-31.</source>
        <translation>日期请写成 YYYY-MM-DD，例如 2024-03-31。</translation>
    </message>
    <message>
        <source>The query has only terms to leave out.</source>
        <translation>查询中只有要排除的词。</translation>
    </message>
    <message>
        <source>Add something to look for before “ - ”, e.g. “beach - people”.</source>
        <translation>在“ - ”前面加上要找的内容，例如“beach - people”。</translation>
    </message>
    <message>
        <source>The quote before “{rest}” is not closed.</source>
        <translation>“{rest}”前面的引号没有闭合。</translation>
    </message>
    <message>
        <source>The query ends with an opening quote.</source>
        <translation>查询以一个左引号结尾。</translation>
    </message>
    <message>
        <source>Add the closing quote, or remove the opening one.</source>
        <translation>加上右引号，或删除左引号。</translation>
    </message>
    <message>
        <source>The bracket “{rest}” is not closed.</source>
        <translation>括号“{rest}”没有闭合。</translation>
    </message>
    <message>
        <source>Add “]” after the image&apos;s name, or remove “[”.</source>
        <translation>在图片名称后加上“]”，或删除“[”。</translation>
    </message>
    <message>
        <source>The query starts with “{operator}”.</source>
        <translation>查询以“{operator}”开头。</translation>
    </message>
    <message>
        <source>Add a term before it, or remove it.</source>
        <translation>在它前面加一个词，或删除它。</translation>
    </message>
    <message>
        <source>There is no term between “{first}” and “{second}” after “{before}”.</source>
        <translation>在“{before}”之后，“{first}”和“{second}”之间没有词。</translation>
    </message>
    <message>
        <source>Add a term between them, or remove one.</source>
        <translation>在它们之间加一个词，或删除其中一个。</translation>
    </message>
    <message>
        <source>The query starts with “{first} {second}”.</source>
        <translation>查询以“{first} {second}”开头。</translation>
    </message>
    <message>
        <source>The query ends with “{operator}”.</source>
        <translation>查询以“{operator}”结尾。</translation>
    </message>
    <message>
        <source>Add a term after it, or remove it.</source>
        <translation>在它后面加一个词，或删除它。</translation>
    </message>
    <message>
        <source>“{term}” mixes an image and words in one term.</source>
        <translation>“{term}”在一个词项中混合了图片和文字。</translation>
    </message>
    <message>
        <source>Join them with “ + ” or “ - ”, e.g. “[photo] + at night”.</source>
        <translation>用“ + ”或“ - ”把它们连起来，例如“[photo] + at night”。</translation>
    </message>
    <message>
        <source>No image is attached as “[{label}]”.</source>
        <translation>没有以“[{label}]”附加的图片。</translation>
    </message>
    <message>
        <source>Attach the image again, or remove “[{label}]” from the query.</source>
        <translation>重新附加该图片，或从查询中删除“[{label}]”。</translation>
    </message>
    <message>
        <source>The query has empty quotes.</source>
        <translation>查询中有空引号。</translation>
    </message>
    <message>
        <source>Put words between the quotes, or remove them.</source>
        <translation>在引号之间写上文字，或删除引号。</translation>
    </message>
    <message>
        <source>The weight “{weight}” has no term after it.</source>
        <translation>权重“{weight}”后面没有词。</translation>
    </message>
    <message>
        <source>Write the term right after it, e.g. “{weight}beach”.</source>
        <translation>紧接着写上词，例如“{weight}beach”。</translation>
    </message>
    <message>
        <source>The weight 0 leaves out “{term}”.</source>
        <translation>权重 0 会排除“{term}”。</translation>
    </message>
    <message>
        <source>Use a weight above 0, such as “0.5:”, or remove the term.</source>
        <translation>使用大于 0 的权重，例如“0.5:”，或删除该词。</translation>
    </message>
    <message>
        <source>{path} is a folder, not an image file.</source>
        <translation>{path} 是文件夹，不是图片文件。</translation>
    </message>
    <message>
        <source>Name an image file inside it.</source>
        <translation>请指定其中的一个图片文件。</translation>
    </message>
    <message>
        <source>There is no image file {path}.</source>
        <translation>没有图片文件 {path}。</translation>
    </message>
    <message>
        <source>Check the path and the file name.</source>
        <translation>请检查路径和文件名。</translation>
    </message>
    <message>
        <source>The terms of this query cancel each other out.</source>
        <translation>此查询中的词相互抵消了。</translation>
    </message>
    <message>
        <source>Change a weight, or remove a term after “ - ”.</source>
        <translation>修改一个权重，或删除“ - ”后面的一个词。</translation>
    </message>
    <message>
        <source>The image {path} cannot be read: {reason}.</source>
        <translation>无法读取图片 {path}：{reason}。</translation>
    </message>
    <message>
        <source>Choose another image, or save this one as JPEG or PNG and use that.</source>
        <translation>请选择另一张图片，或将其另存为 JPEG 或 PNG 后再使用。</translation>
    </message>
    <message>
        <source>The pasted image cannot be read: {reason}.</source>
        <translation>无法读取粘贴的图片：{reason}。</translation>
    </message>
    <message>
        <source>Copy the image again, or save it to a file and use that.</source>
        <translation>请重新复制该图片，或将其保存为文件后再使用。</translation>
    </message>
    <message>
        <source>Chinese</source>
        <extracomment>A model&apos;s published peak memory may take this share of the computer&apos;s memory: the app, the photos being decoded and everything else the person runs need the rest. The published times are from an 8-core desktop (Immich&apos;s table: a Ryzen 7 7800X3D). The most a photo may cost on this machine&apos;s CPU (25 photos a second: 10,000 photos in under 7 minutes of model time). Recall points a cheaper model may give up on the CPU when it costs at most half as much. Providers that put the model on a GPU (or Apple&apos;s neural engine); OpenVINO may well be the CPU. Han ideographs (with extension A and the compatibility block), kana and Hangul: a query with any of them is not one an English-only model can read.</extracomment>
        <translation>中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <source>Nearly the best {language} search ({recall:.1f} recall, {gap:.1f} below the best) at a fraction of its cost: ~{ms:.0f} ms per photo on this computer&apos;s processor.</source>
        <translation>几乎最好的{language}搜索（召回率 {recall:.1f}，比最好的低 {gap:.1f}），成本却低得多：在这台电脑的处理器上每张照片约 {ms:.0f} 毫秒。</translation>
    </message>
    <message>
        <source>Best {language} search, on this computer&apos;s GPU: {recall:.1f} recall.</source>
        <translation>在这台电脑的 GPU 上最好的{language}搜索：召回率 {recall:.1f}。</translation>
    </message>
    <message>
        <source>Best {language} search that fits in this computer&apos;s memory ({memory:,} MB): {recall:.1f} recall at ~{ms:.0f} ms per photo on its processor.</source>
        <translation>在这台电脑内存（{memory:,} MB）内最好的{language}搜索：召回率 {recall:.1f}，在其处理器上每张照片约 {ms:.0f} 毫秒。</translation>
    </message>
    <message>
        <source>Best {language} search on this computer&apos;s processor: {recall:.1f} recall.</source>
        <translation>在这台电脑的处理器上最好的{language}搜索：召回率 {recall:.1f}。</translation>
    </message>
    <message>
        <source>Best {language} search on this computer&apos;s processor: {recall:.1f} recall at ~{ms:.0f} ms per photo.</source>
        <translation>在这台电脑的处理器上最好的{language}搜索：召回率 {recall:.1f}，每张照片约 {ms:.0f} 毫秒。</translation>
    </message>
    <message>
        <source>The smallest model for {language} search: no model with published search figures fits this computer.</source>
        <translation>用于{language}搜索的最小模型：没有公布了搜索数据的模型适合这台电脑。</translation>
    </message>
    <message>
        <source>The threshold must be between {low} and 1, not {given}.</source>
        <translation>阈值必须在 {low} 到 1 之间，而不是 {given}。</translation>
    </message>
    <message>
        <source>Leave it out for the measured default ({default}).</source>
        <translation>省略它即使用实测的默认值（{default}）。</translation>
    </message>
    <message>
        <source>identical copies; the shortest path</source>
        <translation>完全相同的副本；保留路径最短的</translation>
    </message>
    <message>
        <source>highest resolution ({width} × {height})</source>
        <translation>分辨率最高（{width} × {height}）</translation>
    </message>
    <message>
        <source>same resolution; original format ({kept}) over a converted copy ({other})</source>
        <translation>分辨率相同；原始格式（{kept}）优先于转换后的副本（{other}）</translation>
    </message>
    <message>
        <source>same resolution and format; the copy with the camera&apos;s date</source>
        <translation>分辨率和格式相同；保留带相机日期的副本</translation>
    </message>
    <message>
        <source>same resolution and format; the larger file (less recompressed)</source>
        <translation>分辨率和格式相同；保留较大的文件（重新压缩较少）</translation>
    </message>
    <message>
        <source>same resolution and format; the oldest date taken ({date})</source>
        <translation>分辨率和格式相同；保留拍摄日期最早的（{date}）</translation>
    </message>
    <message>
        <source>same resolution, format and date; the shortest path</source>
        <translation>分辨率、格式和日期相同；保留路径最短的</translation>
    </message>
    <message>
        <source>it is already in that folder</source>
        <translation>它已经在该文件夹中</translation>
    </message>
    <message>
        <source>The folder {folder} does not exist.</source>
        <translation>文件夹 {folder} 不存在。</translation>
    </message>
    <message>
        <source>Choose another folder, or reconnect the drive it is on.</source>
        <translation>请选择其他文件夹，或重新连接它所在的驱动器。</translation>
    </message>
    <message>
        <source>The folder {folder} cannot be written to.</source>
        <translation>无法写入文件夹 {folder}。</translation>
    </message>
    <message>
        <source>Choose a folder you can write to, or change its permissions.</source>
        <translation>请选择一个可写入的文件夹，或更改它的权限。</translation>
    </message>
    <message>
        <source>the trash on its drive cannot be written</source>
        <translation>无法写入其所在驱动器的回收站</translation>
    </message>
    <message>
        <source>the file is no longer there</source>
        <translation>文件已不存在</translation>
    </message>
    <message>
        <source>permission denied</source>
        <translation>权限不足</translation>
    </message>
    <message>
        <source>the disk is full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <source>the disk is read-only</source>
        <translation>磁盘为只读</translation>
    </message>
    <message>
        <source>{error}</source>
        <translation>{error}</translation>
    </message>
    <message>
        <source>The search for duplicates</source>
        <translation>查找重复照片</translation>
    </message>
    <message>
        <source>Moving photos to the Trash</source>
        <translation>正在将照片移到回收站</translation>
    </message>
    <message>
        <source>Copying photos</source>
        <translation>正在复制照片</translation>
    </message>
    <message>
        <source>Moving photos</source>
        <translation>正在移动照片</translation>
    </message>
    <message>
        <source>Moving photos to the trash</source>
        <translation>正在将照片移到回收站</translation>
    </message>
    <message>
        <source>Undoing a move</source>
        <translation>正在撤销移动</translation>
    </message>
    <message>
        <source>Undoing a copy</source>
        <translation>正在撤销复制</translation>
    </message>
    <message>
        <source>Indexing on a cluster</source>
        <translation>在集群上建立索引</translation>
    </message>
    <message>
        <source>Could not reach the Ray cluster at {address}: {reason}</source>
        <translation>无法连接到位于 {address} 的 Ray 集群：{reason}</translation>
    </message>
    <message>
        <source>Check the address (ray://HOST:10001, or the HOST:PORT Ray printed when its head started) and that this machine can reach the cluster, or use &apos;local&apos;.</source>
        <translation>请检查地址（ray://HOST:10001，或 Ray 头节点启动时显示的 HOST:PORT），并确认本机能连接到该集群；也可以使用 &apos;local&apos;。</translation>
    </message>
    <message>
        <source>cluster {address}: {count} workers on {devices}</source>
        <translation>集群 {address}：{count} 个工作节点，设备为 {devices}</translation>
    </message>
    <message>
        <source>The Ray cluster at {address} has no CPUs or GPUs to work on.</source>
        <translation>位于 {address} 的 Ray 集群没有可用的 CPU 或 GPU。</translation>
    </message>
    <message>
        <source>Start workers on the cluster, then index again.</source>
        <translation>请先在集群上启动工作节点，然后重新建立索引。</translation>
    </message>
    <message>
        <source>no worker could load the model</source>
        <translation>没有工作节点能加载模型</translation>
    </message>
    <message>
        <source>The Ray cluster at {address} stopped working: {reason}.</source>
        <translation>位于 {address} 的 Ray 集群已停止工作：{reason}。</translation>
    </message>
    <message>
        <source>Check the cluster and index again; {kept}.</source>
        <translation>请检查集群后重新建立索引；{kept}。</translation>
    </message>
    <message>
        <source>no worker is left</source>
        <translation>已没有可用的工作节点</translation>
    </message>
    <message>
        <source>its head does not answer</source>
        <translation>其头节点没有响应</translation>
    </message>
    <message>
        <source>no worker is left, and none could be started</source>
        <translation>已没有可用的工作节点，也无法启动新的</translation>
    </message>
    <message>
        <source>{feature} needs {package}, which is not installed.</source>
        <translation>{feature}需要 {package}，但尚未安装。</translation>
    </message>
    <message>
        <source>Install the cluster extra: {command}</source>
        <translation>请安装集群扩展：{command}</translation>
    </message>
    <message>
        <source>The path map {item!r} is not of the form FROM=TO.</source>
        <translation>路径映射 {item!r} 的格式不是 FROM=TO。</translation>
    </message>
    <message>
        <source>Give two folders joined by &apos;=&apos;, e.g. /Volumes/Photos=/mnt/photos.</source>
        <translation>请用“=”连接两个文件夹，例如 /Volumes/Photos=/mnt/photos。</translation>
    </message>
    <message>
        <source>Exporting vectors</source>
        <translation>导出向量</translation>
    </message>
    <message>
        <source>The library holds no vectors for model {model!r}.</source>
        <translation>图库中没有模型 {model!r} 的向量。</translation>
    </message>
    <message>
        <source>Index photos with that model first, or name another model.</source>
        <translation>请先用该模型为照片建立索引，或指定其他模型。</translation>
    </message>
    <message>
        <source>Could not write {path}: {reason}</source>
        <translation>无法写入 {path}：{reason}</translation>
    </message>
    <message>
        <source>Choose a folder you can write to, with enough free space.</source>
        <translation>请选择一个可写入且空间充足的文件夹。</translation>
    </message>
    <message>
        <source>{path} is not a readable Parquet file: {reason}</source>
        <translation>{path} 不是可读取的 Parquet 文件：{reason}</translation>
    </message>
    <message>
        <source>Give a file written by an export of vectors.</source>
        <translation>请提供由导出向量生成的文件。</translation>
    </message>
    <message>
        <source>{path} lacks the columns {missing}.</source>
        <translation>{path} 缺少这些列：{missing}。</translation>
    </message>
    <message>
        <source>A vectors file has the columns path, size, mtime, model and vector.</source>
        <translation>向量文件应包含 path、size、mtime、model 和 vector 列。</translation>
    </message>
    <message>
        <source>Importing vectors</source>
        <translation>导入向量</translation>
    </message>
    <message>
        <source>The vectors of model {model!r} differ in length.</source>
        <translation>模型 {model!r} 的向量长度不一致。</translation>
    </message>
    <message>
        <source>The file is damaged; export it again.</source>
        <translation>文件已损坏，请重新导出。</translation>
    </message>
    <message>
        <source>importing vectors into this library</source>
        <translation>正在向此图库导入向量</translation>
    </message>
    <message>
        <source>The text recognition package could not be loaded: {error}.</source>
        <translation>无法加载文字识别组件：{error}。</translation>
    </message>
    <message>
        <source>Reinstall Lumen Gallery: its text recognition is incomplete.</source>
        <translation>请重新安装 Lumen Gallery：其文字识别组件不完整。</translation>
    </message>
    <message>
        <source>The text recognition models are missing from {folder}: {names}.</source>
        <translation>{folder} 中缺少文字识别模型：{names}。</translation>
    </message>
</context>
<context>
    <name>About</name>
    <message>
        <source>&lt;h3&gt;{app} {version}&lt;/h3&gt;&lt;p&gt;Find photos by what is in them, on your own machine.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Runtime&lt;/b&gt;&lt;/p&gt;&lt;ul&gt;{runtime}&lt;/ul&gt;&lt;p&gt;&lt;b&gt;Licenses of bundled components&lt;/b&gt;&lt;/p&gt;&lt;ul&gt;{licenses}&lt;/ul&gt;</source>
        <translation>&lt;h3&gt;{app} {version}&lt;/h3&gt;&lt;p&gt;按照片的内容查找照片，全部在您自己的电脑上完成。&lt;/p&gt;&lt;p&gt;&lt;b&gt;运行环境&lt;/b&gt;&lt;/p&gt;&lt;ul&gt;{runtime}&lt;/ul&gt;&lt;p&gt;&lt;b&gt;所含组件的许可证&lt;/b&gt;&lt;/p&gt;&lt;ul&gt;{licenses}&lt;/ul&gt;</translation>
    </message>
</context>
<context>
    <name>Crash</name>
    <message>
        <source>Lumen Gallery — unexpected error</source>
        <translation>Lumen Gallery — 意外错误</translation>
    </message>
    <message>
        <source>Something went wrong: {error}

The details are in the log file (Help &gt; Open Logs Folder).</source>
        <translation>出了点问题：{error}

详细信息在日志文件中（帮助 &gt; 打开日志文件夹）。</translation>
    </message>
</context>
<context>
    <name>DeviceButton</name>
    <message>
        <source>Device: …</source>
        <translation>设备：…</translation>
    </message>
    <message>
        <source>The device that runs the model; click for diagnostics</source>
        <translation>运行模型的设备；点击查看诊断信息</translation>
    </message>
    <message>
        <source>Device: loading…</source>
        <translation>设备：正在加载…</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>没有模型</translation>
    </message>
</context>
<context>
    <name>DiagnosticsDialog</name>
    <message>
        <source>Diagnostics</source>
        <translation>诊断信息</translation>
    </message>
    <message>
        <source>Copy to Clipboard</source>
        <translation>复制到剪贴板</translation>
    </message>
</context>
<context>
    <name>DownloadDialog</name>
    <message>
        <source>Checking and installing the model…</source>
        <translation>正在检查并安装模型…</translation>
    </message>
    <message>
        <source>{done} of {total} at {speed}/s</source>
        <translation>{done} / {total}，速度 {speed}/秒</translation>
    </message>
    <message>
        <source>{done} at {speed}/s</source>
        <translation>{done}，速度 {speed}/秒</translation>
    </message>
    <message>
        <source>{progress}, {left}</source>
        <translation>{progress}，{left}</translation>
    </message>
    <message>
        <source>Downloading {name}</source>
        <translation>正在下载 {name}</translation>
    </message>
    <message>
        <source>Connecting to download {name}…</source>
        <translation>正在连接以下载 {name}…</translation>
    </message>
    <message>
        <source>The download was cancelled; it resumes where it stopped next time.</source>
        <translation>下载已取消；下次会从中断处继续。</translation>
    </message>
</context>
<context>
    <name>DuplicatesView</name>
    <message>
        <source>Identical files</source>
        <translation>完全相同的文件</translation>
    </message>
    <message>
        <source>Similar photos, {percent} % alike</source>
        <translation>相似照片，相似度 {percent}%</translation>
    </message>
    <message>
        <source>keep {name}: {reason}</source>
        <translation>保留 {name}：{reason}</translation>
    </message>
    <message>
        <source>{kind} · {reason}</source>
        <translation>{kind} · {reason}</translation>
    </message>
    <message>
        <source>{width} × {height}</source>
        <translation>{width} × {height}</translation>
    </message>
    <message>
        <source>Size unknown</source>
        <translation>尺寸未知</translation>
    </message>
    <message>
        <source>Taken {date}</source>
        <translation>拍摄于 {date}</translation>
    </message>
    <message>
        <source>Modified {date}</source>
        <translation>修改于 {date}</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>to the Trash</source>
        <translation>移到回收站</translation>
    </message>
    <message>
        <source>Find Duplicates</source>
        <translation>查找重复照片</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Find Again</source>
        <translation>重新查找</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message numerus="yes">
        <source>Looking for duplicates among %Ln photos…</source>
        <translation>
            <numerusform>正在 %Ln 张照片中查找重复照片…</numerusform>
        </translation>
    </message>
    <message>
        <source>Looking for duplicates…</source>
        <translation>正在查找重复照片…</translation>
    </message>
    <message>
        <source>The search for duplicates was cancelled.</source>
        <translation>已取消查找重复照片。</translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos</source>
        <translation>
            <numerusform>%Ln 张照片</numerusform>
        </translation>
    </message>
    <message>
        <source>{photos} in {folders}</source>
        <translation>{folders} 中的 {photos}</translation>
    </message>
    <message>
        <source>{photos} in the library</source>
        <translation>图库中的 {photos}</translation>
    </message>
    <message numerus="yes">
        <source>%Ln groups of duplicates among {where}.</source>
        <translation>
            <numerusform>在{where}中找到 %Ln 组重复照片。</numerusform>
        </translation>
    </message>
    <message>
        <source>Every group of duplicates among {where} is reviewed.</source>
        <translation>{where}中的每组重复照片都已处理。</translation>
    </message>
    <message>
        <source>No duplicates found among {where}.</source>
        <translation>在{where}中没有找到重复照片。</translation>
    </message>
    <message>
        <source>Compared by their pixels and the model {model}.</source>
        <translation>按像素和模型 {model} 比较。</translation>
    </message>
    <message>
        <source>Compared by their pixels alone (no model is installed).</source>
        <translation>仅按像素比较（未安装模型）。</translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos were not compared yet: their fingerprints are being made in the background. Find Again when it is done.</source>
        <translation>
            <numerusform>%Ln 张照片尚未比较：正在后台生成它们的指纹。完成后请点“重新查找”。</numerusform>
        </translation>
    </message>
    <message>
        <source>The proposed copy to keep is checked; uncheck Keep (or press the copy&apos;s number) to move a copy to the Trash.</source>
        <translation>建议保留的副本已勾选；取消勾选“保留”（或按副本的编号）即可将该副本移到回收站。</translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln Photos to Trash</source>
        <translation>
            <numerusform>将 %Ln 张照片移到回收站</numerusform>
        </translation>
    </message>
    <message>
        <source>Each group keeps at least one copy: check Keep on another copy of this group first.</source>
        <translation>每组至少保留一份副本：请先勾选本组另一份副本的“保留”。</translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln photos to the Trash? You can restore them from the system&apos;s Trash.</source>
        <translation>
            <numerusform>将 %Ln 张照片移到回收站？可以从系统回收站恢复。</numerusform>
        </translation>
    </message>
    <message>
        <source>Move to Trash</source>
        <translation>移到回收站</translation>
    </message>
    <message numerus="yes">
        <source>Moving %Ln photos to the Trash…</source>
        <translation>
            <numerusform>正在将 %Ln 张照片移到回收站…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln photos to the Trash.</source>
        <translation>
            <numerusform>已将 %Ln 张照片移到回收站。</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopped before the rest, as asked.</source>
        <translation>已按要求在其余照片之前停止。</translation>
    </message>
    <message numerus="yes">
        <source>%Ln could not be moved:</source>
        <translation>
            <numerusform>%Ln 张无法移动：</numerusform>
        </translation>
    </message>
    <message>
        <source>{name}: {reason}</source>
        <translation>{name}：{reason}</translation>
    </message>
    <message numerus="yes">
        <source>and %Ln more.</source>
        <translation>
            <numerusform>还有 %Ln 张。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Landscape</source>
        <translation>横向</translation>
    </message>
    <message>
        <source>Portrait</source>
        <translation>纵向</translation>
    </message>
    <message>
        <source>Square</source>
        <translation>方形</translation>
    </message>
    <message>
        <source>Only photos in these folders</source>
        <translation>只显示这些文件夹中的照片</translation>
    </message>
    <message>
        <source>Only photos taken on these days (the camera&apos;s date, else the file&apos;s)</source>
        <translation>只显示在这些日期拍摄的照片（相机记录的日期，否则为文件的日期）</translation>
    </message>
    <message>
        <source>Only these file types</source>
        <translation>只显示这些文件类型</translation>
    </message>
    <message>
        <source>Only landscape, portrait or square photos</source>
        <translation>只显示横向、纵向或方形的照片</translation>
    </message>
    <message>
        <source>Only photos whose shorter side has at least this many pixels</source>
        <translation>只显示短边至少有这么多像素的照片</translation>
    </message>
    <message>
        <source>Clear Filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <source>Sort:</source>
        <translation>排序：</translation>
    </message>
    <message>
        <source>Choose Folder…</source>
        <translation>选择文件夹…</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>到</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Any</source>
        <translation>任意</translation>
    </message>
    <message>
        <source>Any Size</source>
        <translation>任意大小</translation>
    </message>
    <message>
        <source>Relevance</source>
        <translation>相关性</translation>
    </message>
    <message>
        <source>Newest First</source>
        <translation>最新优先</translation>
    </message>
    <message>
        <source>Oldest First</source>
        <translation>最早优先</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Choose a Folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Orientation</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Folders: {name}</source>
        <translation>文件夹：{name}</translation>
    </message>
    <message numerus="yes">
        <source>%Ln folders</source>
        <translation>
            <numerusform>%Ln 个文件夹</numerusform>
        </translation>
    </message>
    <message>
        <source>{start} – {end}</source>
        <translation>{start} – {end}</translation>
    </message>
    <message>
        <source>Since {date}</source>
        <translation>{date} 起</translation>
    </message>
    <message>
        <source>Until {date}</source>
        <translation>至 {date}</translation>
    </message>
    <message numerus="yes">
        <source>%Ln types</source>
        <translation>
            <numerusform>%Ln 种类型</numerusform>
        </translation>
    </message>
    <message>
        <source>At least {size} px</source>
        <translation>至少 {size} 像素</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Welcome to Lumen Gallery</source>
        <translation>欢迎使用 Lumen Gallery</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Welcome to Lumen Gallery&lt;/h3&gt;&lt;p&gt;To find photos by what is in them, Lumen Gallery needs a model. It runs on this computer; your photos never leave it.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;欢迎使用 Lumen Gallery&lt;/h3&gt;&lt;p&gt;要按照片的内容查找照片，Lumen Gallery 需要一个模型。模型在这台电脑上运行，您的照片不会离开这台电脑。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;You seem to be offline&lt;/b&gt; ({reason}). You can import a model folder you copied here, or download later.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;您似乎没有联网&lt;/b&gt;（{reason}）。您可以导入复制到这台电脑上的模型文件夹，或稍后再下载。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Download {model}</source>
        <translation>下载 {model}</translation>
    </message>
    <message>
        <source>Download a Model</source>
        <translation>下载模型</translation>
    </message>
    <message>
        <source>Import Model Folder…</source>
        <translation>导入模型文件夹…</translation>
    </message>
    <message>
        <source>Not Now</source>
        <translation>以后再说</translation>
    </message>
</context>
<context>
    <name>FolderActions</name>
    <message>
        <source>Add a Photo Folder</source>
        <translation>添加照片文件夹</translation>
    </message>
    <message>
        <source>Remove Folder</source>
        <translation>移除文件夹</translation>
    </message>
    <message>
        <source>No folders have been added yet.</source>
        <translation>还没有添加任何文件夹。</translation>
    </message>
    <message>
        <source>Stop showing photos from this folder:</source>
        <translation>不再显示此文件夹中的照片：</translation>
    </message>
    <message numerus="yes">
        <source>Remove “{name}” from the library? Its %Ln photos leave Lumen Gallery; the files stay on the disk.</source>
        <translation>
            <numerusform>从图库中移除“{name}”？其中的 %Ln 张照片将离开 Lumen Gallery；文件仍保留在磁盘上。</numerusform>
        </translation>
    </message>
    <message>
        <source>Add a folder first: File &gt; Add Folder…</source>
        <translation>请先添加文件夹：文件 &gt; 添加文件夹…</translation>
    </message>
    <message numerus="yes">
        <source>%Ln folders cannot be reached (is the drive connected?): not rescanned.</source>
        <translation>
            <numerusform>%Ln 个文件夹无法访问（驱动器是否已连接？）：未重新扫描。</numerusform>
        </translation>
    </message>
    <message>
        <source>{folder} cannot be reached (is the drive connected?).</source>
        <translation>无法访问 {folder}（驱动器是否已连接？）。</translation>
    </message>
    <message>
        <source>Folders added. Import or download a model to index them.</source>
        <translation>文件夹已添加。请导入或下载一个模型来为它们建立索引。</translation>
    </message>
</context>
<context>
    <name>FoldersSidebar</name>
    <message>
        <source>Add Folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Remove Folder…</source>
        <translation>移除文件夹…</translation>
    </message>
    <message>
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <source>All Photos</source>
        <translation>所有照片</translation>
    </message>
    <message>
        <source>Every photo in the library, newest first</source>
        <translation>图库中的所有照片，最新的在前</translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos</source>
        <translation>
            <numerusform>%Ln 张照片</numerusform>
        </translation>
    </message>
    <message>
        <source>{path}
This folder cannot be reached: is its drive connected? Its {count} stay in the library.</source>
        <translation>{path}
无法访问此文件夹：驱动器是否已连接？其中的 {count}仍保留在图库中。</translation>
    </message>
    <message>
        <source>Rescan This Folder</source>
        <translation>重新扫描此文件夹</translation>
    </message>
    <message>
        <source>Rescan All Folders</source>
        <translation>重新扫描所有文件夹</translation>
    </message>
</context>
<context>
    <name>HelpActions</name>
    <message>
        <source>About {app}</source>
        <translation>关于 {app}</translation>
    </message>
</context>
<context>
    <name>IndexingProgress</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
</context>
<context>
    <name>InfoPanel</name>
    <message>
        <source>{score} · best match</source>
        <translation>{score} · 最佳匹配</translation>
    </message>
    <message>
        <source>Search score</source>
        <translation>搜索得分</translation>
    </message>
    <message>
        <source>Found by its text</source>
        <translation>通过照片中的文字找到</translation>
    </message>
    <message>
        <source>from the camera (EXIF)</source>
        <translation>来自相机（EXIF）</translation>
    </message>
    <message>
        <source>Date taken</source>
        <translation>拍摄日期</translation>
    </message>
    <message>
        <source>file modified date</source>
        <translation>文件修改日期</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>{width} × {height} ({megapixels} MP)</source>
        <translation>{width} × {height}（{megapixels} 百万像素）</translation>
    </message>
    <message>
        <source>Dimensions</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>File size</source>
        <translation>文件大小</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>路径</translation>
    </message>
    <message>
        <source>Reading the photo&apos;s details…</source>
        <translation>正在读取照片详情…</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>相机</translation>
    </message>
    <message>
        <source>Lens</source>
        <translation>镜头</translation>
    </message>
    <message>
        <source> ({equivalent} mm in 35 mm terms)</source>
        <translation>（等效 35 mm 焦距 {equivalent} mm）</translation>
    </message>
    <message>
        <source>Exposure</source>
        <translation>曝光</translation>
    </message>
    <message>
        <source>{metres} m above sea level</source>
        <translation>海拔 {metres} 米</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
</context>
<context>
    <name>JobDialog</name>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>LibraryCheckDialog</name>
    <message>
        <source>The library is healthy.</source>
        <translation>图库一切正常。</translation>
    </message>
    <message>
        <source>Check Library</source>
        <translation>检查图库</translation>
    </message>
    <message>
        <source>Repair</source>
        <translation>修复</translation>
    </message>
    <message>
        <source>Checking the library…</source>
        <translation>正在检查图库…</translation>
    </message>
    <message>
        <source>Repaired: {action}</source>
        <translation>已修复：{action}</translation>
    </message>
    <message>
        <source>Note: {note}</source>
        <translation>注意：{note}</translation>
    </message>
    <message>
        <source>Problem: {what}
    What to do: {fix}</source>
        <translation>问题：{what}
    处理办法：{fix}</translation>
    </message>
    <message numerus="yes">
        <source>%Ln problems found.</source>
        <translation>
            <numerusform>发现 %Ln 个问题。</numerusform>
        </translation>
    </message>
    <message>
        <source>Repairing the library…</source>
        <translation>正在修复图库…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Add Folder…</source>
        <translation>添加文件夹(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Remove Folder…</source>
        <translation>移除文件夹(&amp;R)…</translation>
    </message>
    <message>
        <source>Re&amp;scan</source>
        <translation>重新扫描(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Models…</source>
        <translation>模型(&amp;M)…</translation>
    </message>
    <message>
        <source>Import &amp;Model Folder…</source>
        <translation>导入模型文件夹(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <source>Show &amp;All Photos</source>
        <translation>显示全部照片(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>Find &amp;Duplicates…</source>
        <translation>查找重复照片(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Open &amp;Logs Folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Diagnostics</source>
        <translation>诊断信息(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Check Library…</source>
        <translation>检查图库(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;About Lumen Gallery</source>
        <translation>关于 Lumen Gallery(&amp;A)</translation>
    </message>
    <message>
        <source>Indexing stopped</source>
        <translation>建立索引已停止</translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos</source>
        <translation>
            <numerusform>%Ln 张照片</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>Please wait for indexing to finish, or cancel it first.</source>
        <translation>请等待建立索引完成，或先取消它。</translation>
    </message>
</context>
<context>
    <name>ModelActions</name>
    <message>
        <source>Download stopped</source>
        <translation>下载已停止</translation>
    </message>
    <message>
        <source>Switch Model</source>
        <translation>切换模型</translation>
    </message>
    <message numerus="yes">
        <source>Use {name} from now on? %Ln photos still have to be indexed with it; until then searches find only the photos it has seen.</source>
        <translation>
            <numerusform>从现在起使用 {name} 吗？还有 %Ln 张照片需要用它建立索引；在此之前，搜索只能找到它已处理过的照片。</numerusform>
        </translation>
    </message>
    <message>
        <source>Switch and Index Now</source>
        <translation>切换并立即建立索引</translation>
    </message>
    <message>
        <source>Switch Only</source>
        <translation>仅切换</translation>
    </message>
    <message>
        <source>Using the model {name}.</source>
        <translation>正在使用模型 {name}。</translation>
    </message>
    <message>
        <source>Delete Index</source>
        <translation>删除索引</translation>
    </message>
    <message>
        <source>Delete the index of {name}? Its vectors are removed; your photos are not touched.</source>
        <translation>删除 {name} 的索引吗？它的向量会被删除；您的照片不受影响。</translation>
    </message>
    <message>
        <source>Remove Model</source>
        <translation>移除模型</translation>
    </message>
    <message>
        <source>Remove the model {name} from this computer?</source>
        <translation>要从这台电脑上移除模型 {name} 吗？</translation>
    </message>
    <message>
        <source>Import a Model Folder</source>
        <translation>导入模型文件夹</translation>
    </message>
    <message>
        <source>Importing a Model</source>
        <translation>正在导入模型</translation>
    </message>
    <message>
        <source>Copying {folder} and checking that the model runs…</source>
        <translation>正在复制 {folder} 并检查模型能否运行…</translation>
    </message>
    <message>
        <source>Cannot import this model</source>
        <translation>无法导入此模型</translation>
    </message>
    <message>
        <source>Model {name} is ready.</source>
        <translation>模型 {name} 已就绪。</translation>
    </message>
    <message>
        <source>{model} reads English only, so Chinese words find little. {title} searches Chinese well ({recall} recall).</source>
        <translation>{model} 只能读懂英文，用中文词语几乎找不到照片。{title} 擅长中文搜索（召回率 {recall}）。</translation>
    </message>
    <message>
        <source>Use {title}</source>
        <translation>使用 {title}</translation>
    </message>
    <message>
        <source>Download {title}</source>
        <translation>下载 {title}</translation>
    </message>
    <message>
        <source>The new model settings apply after indexing.</source>
        <translation>新的模型设置将在建立索引完成后生效。</translation>
    </message>
</context>
<context>
    <name>ModelsDialog</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Indexed</source>
        <translation>已建立索引</translation>
    </message>
    <message>
        <source>Still to index</source>
        <translation>待建立索引</translation>
    </message>
    <message>
        <source>Search quality: published recall on Crossmodal-3600 (mean of R@1, R@5 and R@10, in %); memory and time per photo: published for an 8-core desktop processor. — where nothing is published.</source>
        <extracomment>Where the figures come from, for the headers&apos; tooltips.</extracomment>
        <translation>搜索质量：在 Crossmodal-3600 上公布的召回率（R@1、R@5 和 R@10 的平均值，单位 %）；内存和每张照片的时间：针对 8 核台式机处理器公布的数据。— 表示未公布。</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>未安装</translation>
    </message>
    <message>
        <source>installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <source>damaged</source>
        <translation>已损坏</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>正在使用</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>multilingual</source>
        <translation>多语言</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>{title} (recommended)</source>
        <translation>{title}（推荐）</translation>
    </message>
    <message>
        <source>Recommended for this computer: {title}. {reason}</source>
        <translation>为这台电脑推荐：{title}。{reason}</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Use This Model</source>
        <translation>使用此模型</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>English search</source>
        <translation>英文搜索</translation>
    </message>
    <message>
        <source>Chinese search</source>
        <translation>中文搜索</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>Time per photo</source>
        <translation>每张照片的时间</translation>
    </message>
    <message>
        <source>Delete Its Index</source>
        <translation>删除其索引</translation>
    </message>
    <message>
        <source>Remove Model</source>
        <translation>移除模型</translation>
    </message>
    <message>
        <source>This model cannot be used: {problem}</source>
        <translation>此模型无法使用：{problem}</translation>
    </message>
    <message numerus="yes">
        <source>Switching to {title} keeps your current index; %Ln photos still have to be indexed with it.</source>
        <translation>
            <numerusform>切换到 {title} 会保留您当前的索引；还有 %Ln 张照片需要用它建立索引。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PhotoActions</name>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message numerus="yes">
        <source>Open %Ln photos in other apps?</source>
        <translation>
            <numerusform>在其他应用中打开 %Ln 张照片？</numerusform>
        </translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message numerus="yes">
        <source>Copied %Ln paths.</source>
        <translation>
            <numerusform>已复制 %Ln 个路径。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No text was found in %Ln photos.</source>
        <translation>
            <numerusform>在 %Ln 张照片中没有找到文字。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copied the text of %Ln photos.</source>
        <translation>
            <numerusform>已复制 %Ln 张照片中的文字。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copy %Ln Photos To</source>
        <translation>
            <numerusform>将 %Ln 张照片复制到</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln Photos To</source>
        <translation>
            <numerusform>将 %Ln 张照片移动到</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copying %Ln photos…</source>
        <translation>
            <numerusform>正在复制 %Ln 张照片…</numerusform>
        </translation>
    </message>
    <message>
        <source>Copy To</source>
        <translation>复制到</translation>
    </message>
    <message numerus="yes">
        <source>Copied %Ln photos to {folder}.</source>
        <translation>
            <numerusform>已将 %Ln 张照片复制到 {folder}。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos could not be copied.</source>
        <translation>
            <numerusform>%Ln 张照片无法复制。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moving %Ln photos…</source>
        <translation>
            <numerusform>正在移动 %Ln 张照片…</numerusform>
        </translation>
    </message>
    <message>
        <source>Move To</source>
        <translation>移动到</translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln photos to {folder}.</source>
        <translation>
            <numerusform>已将 %Ln 张照片移动到 {folder}。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos could not be moved.</source>
        <translation>
            <numerusform>%Ln 张照片无法移动。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moving %Ln photos to the Trash…</source>
        <translation>
            <numerusform>正在将 %Ln 张照片移到回收站…</numerusform>
        </translation>
    </message>
    <message>
        <source>Move to Trash</source>
        <translation>移到回收站</translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln photos to the Trash.</source>
        <translation>
            <numerusform>已将 %Ln 张照片移到回收站。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos could not be moved to the Trash.</source>
        <translation>
            <numerusform>%Ln 张照片无法移到回收站。</numerusform>
        </translation>
    </message>
    <message>
        <source>Move “{photo}” from “{folder}” to the Trash?</source>
        <translation>将“{photo}”从“{folder}”移到回收站？</translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln photos from “{folder}” to the Trash?</source>
        <translation>
            <numerusform>将 %Ln 张照片从“{folder}”移到回收站？</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln photos from {folders} to the Trash?</source>
        <translation>
            <numerusform>将 %Ln 张照片从{folders}移到回收站？</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln folders</source>
        <translation>
            <numerusform>%Ln 个文件夹</numerusform>
        </translation>
    </message>
    <message>
        <source>They can be restored from the system&apos;s Trash.</source>
        <translation>可以从系统回收站恢复它们。</translation>
    </message>
    <message>
        <source>It can be restored from the system&apos;s Trash.</source>
        <translation>可以从系统回收站恢复它。</translation>
    </message>
    <message numerus="yes">
        <source>Moving %Ln photos back…</source>
        <translation>
            <numerusform>正在将 %Ln 张照片移回…</numerusform>
        </translation>
    </message>
    <message>
        <source>Undo Move</source>
        <translation>撤销移动</translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln photos back.</source>
        <translation>
            <numerusform>已将 %Ln 张照片移回。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos could not be moved back.</source>
        <translation>
            <numerusform>%Ln 张照片无法移回。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moving %Ln copies to the Trash…</source>
        <translation>
            <numerusform>正在将 %Ln 份副本移到回收站…</numerusform>
        </translation>
    </message>
    <message>
        <source>Undo Copy</source>
        <translation>撤销复制</translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln copies to the Trash.</source>
        <translation>
            <numerusform>已将 %Ln 份副本移到回收站。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln copies could not be moved to the Trash.</source>
        <translation>
            <numerusform>%Ln 份副本无法移到回收站。</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Undo Move</source>
        <translation>撤销移动(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Undo Copy</source>
        <translation>撤销复制(&amp;U)</translation>
    </message>
    <message>
        <source>Wait until the photos are copied, moved or trashed.</source>
        <translation>请等待照片复制、移动或移到回收站完成。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message numerus="yes">
        <source>… and %Ln more</source>
        <translation>
            <numerusform>… 还有 %Ln 张</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PhotoGrid</name>
    <message>
        <source>View</source>
        <translation>查看</translation>
    </message>
    <message>
        <source>Open Containing Folder</source>
        <translation>打开所在文件夹</translation>
    </message>
    <message>
        <source>Copy Path</source>
        <translation>复制路径</translation>
    </message>
    <message>
        <source>Open in Default App</source>
        <translation>用默认应用打开</translation>
    </message>
    <message>
        <source>Show in Folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Copy %Ln Paths</source>
        <translation>复制 %Ln 个路径</translation>
    </message>
    <message>
        <source>Copy Text</source>
        <translation>复制文字</translation>
    </message>
    <message>
        <source>Copy To…</source>
        <translation>复制到…</translation>
    </message>
    <message>
        <source>Move To…</source>
        <translation>移动到…</translation>
    </message>
    <message>
        <source>Move to Trash…</source>
        <translation>移到回收站…</translation>
    </message>
    <message>
        <source>Move %Ln Photos to Trash…</source>
        <translation>将 %Ln 张照片移到回收站…</translation>
    </message>
    <message>
        <source>Find Similar</source>
        <translation>查找相似照片</translation>
    </message>
    <message>
        <source>More Like These</source>
        <translation>更多类似照片</translation>
    </message>
</context>
<context>
    <name>PhotoListModel</name>
    <message>
        <source>Score {score} · best match</source>
        <translation>得分 {score} · 最佳匹配</translation>
    </message>
    <message>
        <source>Score {score}</source>
        <translation>相似度 {score}</translation>
    </message>
    <message>
        <source>Text: {line}</source>
        <translation>文字：{line}</translation>
    </message>
    <message>
        <source>Taken {date}</source>
        <translation>拍摄于 {date}</translation>
    </message>
    <message>
        <source>More results</source>
        <translation>更多结果</translation>
    </message>
    <message>
        <source>{month} {year}</source>
        <translation>{year}年{month}</translation>
    </message>
    <message>
        <source>%Ln photos</source>
        <translation>%Ln 张照片</translation>
    </message>
</context>
<context>
    <name>PhotoViewer</name>
    <message>
        <source>{name} ({position} of {count})</source>
        <translation>{name}（第 {position} 张，共 {count} 张）</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Cannot show this photo: {reason}</source>
        <translation>无法显示这张照片：{reason}</translation>
    </message>
    <message>
        <source>Text in the photo</source>
        <translation>照片中的文字</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>上一张</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一张</translation>
    </message>
    <message>
        <source>First</source>
        <translation>第一张</translation>
    </message>
    <message>
        <source>Last</source>
        <translation>最后一张</translation>
    </message>
    <message>
        <source>Fit to Window</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>Actual Size (100 %)</source>
        <translation>实际大小（100%）</translation>
    </message>
    <message>
        <source>Zoom In</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom Out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Full Screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <source>Slideshow</source>
        <translation>幻灯片放映</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>Copy Text</source>
        <translation>复制文字</translation>
    </message>
</context>
<context>
    <name>Remedies</name>
    <message>
        <source>Import a model folder: File &gt; Import Model Folder…</source>
        <translation>导入模型文件夹：文件 &gt; 导入模型文件夹…</translation>
    </message>
    <message>
        <source>Import Model Folder…</source>
        <translation>导入模型文件夹…</translation>
    </message>
    <message>
        <source>Download a model in File &gt; Models…</source>
        <translation>在 文件 &gt; 模型… 中下载一个模型。</translation>
    </message>
    <message>
        <source>Open Models…</source>
        <translation>打开模型…</translation>
    </message>
    <message>
        <source>Download {subject} in File &gt; Models…</source>
        <translation>在 文件 &gt; 模型… 中下载 {subject}。</translation>
    </message>
    <message>
        <source>See the models in File &gt; Models…</source>
        <translation>在 文件 &gt; 模型… 中查看各个模型。</translation>
    </message>
    <message>
        <source>Choose the model to use in File &gt; Models…</source>
        <translation>在 文件 &gt; 模型… 中选择要使用的模型。</translation>
    </message>
    <message>
        <source>Add the folder with File &gt; Add Folder…</source>
        <translation>用 文件 &gt; 添加文件夹… 添加该文件夹。</translation>
    </message>
    <message>
        <source>Add Folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Add {subject} with File &gt; Add Folder…</source>
        <translation>用 文件 &gt; 添加文件夹… 添加 {subject}。</translation>
    </message>
    <message>
        <source>Wait for the other indexer to finish, then try again (File &gt; Rescan).</source>
        <translation>请等另一个建立索引的程序完成后再试（文件 &gt; 重新扫描）。</translation>
    </message>
    <message>
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <source>See what is wrong with Help &gt; Check Library…</source>
        <translation>用 帮助 &gt; 检查图库… 查看问题所在。</translation>
    </message>
    <message>
        <source>Check Library…</source>
        <translation>检查图库…</translation>
    </message>
    <message>
        <source>Repair it with Help &gt; Check Library…, then Repair.</source>
        <translation>用 帮助 &gt; 检查图库… 然后点“修复”来修复它。</translation>
    </message>
    <message>
        <source>The model&apos;s source has moved on: update Lumen Gallery for a newer catalog.</source>
        <translation>该模型的来源已更新：请更新 Lumen Gallery 以获得更新的模型目录。</translation>
    </message>
    <message>
        <source>Another precision of this model may be published: see File &gt; Models…</source>
        <translation>此模型可能还发布了其他精度：请查看 文件 &gt; 模型…</translation>
    </message>
    <message>
        <source>{first} {second}</source>
        <translation>{first}{second}</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <source>Search your photos: “a red car in the snow”</source>
        <translation>搜索您的照片：“雪地里的红色汽车”</translation>
    </message>
    <message>
        <source>Recent Searches</source>
        <translation>最近的搜索</translation>
    </message>
    <message>
        <source>pasted image</source>
        <translation>粘贴的图片</translation>
    </message>
    <message>
        <source>Clear Recent Searches</source>
        <translation>清除最近的搜索</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Automatic (the only installed model)</source>
        <translation>自动（唯一已安装的模型）</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>One pattern per line, e.g. *.tmp or Screenshots</source>
        <translation>每行一个规则，例如 *.tmp 或 Screenshots</translation>
    </message>
    <message>
        <source>Empty: this computer; or local, ray://host:10001</source>
        <translation>留空：在本机建立索引；或填 local、ray://host:10001</translation>
    </message>
    <message>
        <source>Where the cluster finds the photos, one per line: /Volumes/Photos=/mnt/photos</source>
        <translation>集群在哪里找到照片，每行一个：/Volumes/Photos=/mnt/photos</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>A new language applies when the app starts again.</source>
        <translation>新的语言将在重新启动应用后生效。</translation>
    </message>
    <message>
        <source>Read the text in photos, so they can be found by it</source>
        <translation>识别照片中的文字，以便按文字搜索照片</translation>
    </message>
    <message>
        <source>After indexing, recognise the words written in photos (signs, receipts, slides, notes) on this computer.</source>
        <translation>建立索引后，在这台电脑上识别照片中写着的文字（招牌、收据、幻灯片、笔记）。</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>Batch size:</source>
        <translation>批次大小：</translation>
    </message>
    <message>
        <source>Excluded folders:</source>
        <translation>排除的文件夹：</translation>
    </message>
    <message>
        <source>Ray cluster:</source>
        <translation>Ray 集群：</translation>
    </message>
    <message>
        <source>Cluster path map:</source>
        <translation>集群路径映射：</translation>
    </message>
    <message>
        <source>Text in photos:</source>
        <translation>照片中的文字：</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
</context>
<context>
    <name>StatusMessage</name>
    <message>
        <source>Scanning…</source>
        <translation>正在扫描…</translation>
    </message>
    <message numerus="yes">
        <source>Scanning… %Ln files found</source>
        <translation>
            <numerusform>正在扫描… 已找到 %Ln 个文件</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking photos for duplicates: {done} of {total}</source>
        <translation>正在检查重复照片：第 {done} 张，共 {total} 张</translation>
    </message>
    <message>
        <source>Indexing {done} of {total} — {rate} photos/s</source>
        <translation>正在建立索引 {done} / {total} — 每秒 {rate} 张</translation>
    </message>
    <message numerus="yes">
        <source>%Ln skipped</source>
        <translation>
            <numerusform>跳过 %Ln 张</numerusform>
        </translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message numerus="yes">
        <source>Indexing cancelled: %Ln photos added</source>
        <translation>
            <numerusform>建立索引已取消：添加了 %Ln 张照片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Indexing done: %Ln photos added</source>
        <translation>
            <numerusform>建立索引完成：添加了 %Ln 张照片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %Ln could not be read</source>
        <translation>
            <numerusform>，%Ln 张无法读取</numerusform>
        </translation>
    </message>
    <message>
        <source>.</source>
        <translation>。</translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos match the filters</source>
        <translation>
            <numerusform>%Ln 张照片符合筛选条件</numerusform>
        </translation>
    </message>
    <message>
        <source>Paused — {progress}</source>
        <translation>已暂停 — {progress}</translation>
    </message>
    <message>
        <source>Reading text in photos: {done} of {total}</source>
        <translation>正在识别照片中的文字：第 {done} 张，共 {total} 张</translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos</source>
        <translation>
            <numerusform>%Ln 张照片</numerusform>
        </translation>
    </message>
    <message>
        <source>{photos} — {note}</source>
        <translation>{photos} — {note}</translation>
    </message>
    <message>
        <source>No close match for “{query}” — showing the nearest photos</source>
        <translation>没有与“{query}”接近的匹配 — 显示最接近的照片</translation>
    </message>
    <message numerus="yes">
        <source>More than %Ln best matches for “{query}”</source>
        <translation>
            <numerusform>“{query}”的最佳匹配超过 %Ln 个</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln best matches for “{query}” — more below</source>
        <translation>
            <numerusform>“{query}”的 %Ln 个最佳匹配 — 下面还有更多</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln best matches for “{query}”</source>
        <translation>
            <numerusform>“{query}”的 %Ln 个最佳匹配</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelling after the current batch…</source>
        <translation>当前批次完成后取消…</translation>
    </message>
</context>
<context>
    <name>ThumbnailSizeSlider</name>
    <message>
        <source>Thumbnail size</source>
        <translation>缩略图大小</translation>
    </message>
</context>
<context>
    <name>YearBar</name>
    <message>
        <source>Jump to a year</source>
        <translation>跳转到某一年</translation>
    </message>
</context>
</TS>
