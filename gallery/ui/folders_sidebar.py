"""The folders sidebar: All Photos, then each library folder with the subfolders that hold
photos and their counts. Selecting an entry asks the window to scope the grid and the search
to it (the filter bar's folder filter does the scoping); Add Folder…, Remove Folder… and
Rescan are asked for by signals, so the window's FolderActions does them as the menus do.

A refresh rebuilds the items from a new `FolderTree` and puts back the selection, the
expanded folders and the scroll position; a folder that left the tree falls back to All
Photos, announced like a selection, so the grid never stays scoped to a folder that is gone.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QAction, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QStyle,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gallery.library.folders import FolderNode, FolderTree
from gallery.ui import i18n

_PATH = Qt.ItemDataRole.UserRole  # the folder's path; None on All Photos
_ROOT = Qt.ItemDataRole.UserRole + 1  # a library folder (Remove Folder applies)
_REACHABLE = Qt.ItemDataRole.UserRole + 2
_NAME, _COUNT = 0, 1  # columns


class FoldersSidebar(QWidget):
    folder_selected = Signal(object)  # str: scope to this folder; None: All Photos
    add_requested = Signal()
    remove_requested = Signal(str)  # this library folder (the window asks to confirm)
    rescan_requested = Signal(object)  # str: this library folder; None: every one

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tree = FolderTree((), 0)
        self._seen_roots: set[str] = set()  # a root shown before keeps its expanded state
        self._everything = QTreeWidgetItem()  # All Photos, made anew by each set_tree
        self.view = QTreeWidget(self)
        self.view.setObjectName("folders")
        self.view.setColumnCount(2)
        self.view.setHeaderHidden(True)
        self.view.setUniformRowHeights(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(_COUNT, QHeaderView.ResizeMode.ResizeToContents)
        self.view.currentItemChanged.connect(self._current_changed)
        self.view.customContextMenuRequested.connect(self._context_menu)
        icons = QStyle.StandardPixmap
        self.add_button = self._button("add", self.tr("Add Folder…"), icons.SP_FileDialogNewFolder)
        self.remove_button = self._button("remove", self.tr("Remove Folder…"), icons.SP_TrashIcon)
        self.rescan_button = self._button("rescan", self.tr("Rescan"), icons.SP_BrowserReload)
        self.add_button.clicked.connect(self.add_requested)
        self.remove_button.clicked.connect(self._remove_current)
        self.rescan_button.clicked.connect(self._rescan_all)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.add_button, self.remove_button, self.rescan_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.set_tree(self._tree)

    def _button(self, name: str, text: str, icon: QStyle.StandardPixmap) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setIcon(self.style().standardIcon(icon))
        button.setToolTip(text)
        button.setAccessibleName(text)
        button.setAutoRaise(True)
        return button

    # the interface --------------------------------------------------------------------------
    @property
    def tree(self) -> FolderTree:
        return self._tree

    def current_folder(self) -> str | None:
        """The selected folder's path; None for All Photos (or when nothing is selected)."""
        item = self.view.currentItem()
        return None if item is None else item.data(_NAME, _PATH)

    def set_tree(self, tree: FolderTree) -> None:
        """Show `tree`, keeping the selection, the expanded folders and the scroll position;
        a selected folder the tree lacks falls back to All Photos (announced)."""
        had_selection = self.view.currentItem() is not None
        several = self.view.topLevelItemCount() > 0 and not had_selection  # see show_scope
        selected = self.current_folder()
        expanded = {item.data(_NAME, _PATH) for item in self._items() if item.isExpanded()}
        scroll = self.view.verticalScrollBar().value()
        self._tree = tree
        with QSignalBlocker(self.view):
            self.view.clear()
            everything = self._everything = QTreeWidgetItem(
                [self.tr("All Photos"), i18n.number(tree.total)]
            )
            everything.setData(_NAME, _PATH, None)
            everything.setToolTip(_NAME, self.tr("Every photo in the library, newest first"))
            self.view.addTopLevelItem(everything)
            for root in tree.roots:
                item = self._item(root, is_root=True)
                self.view.addTopLevelItem(item)
                self._add_children(item, root)
            for item in self._items():
                path = item.data(_NAME, _PATH)
                item.setExpanded(path in expanded or self._fresh_root(item))
            self._seen_roots = {root.path for root in tree.roots}
            found = self._find(selected)
            if several:
                self.view.setCurrentIndex(QModelIndex())
            else:
                self.view.setCurrentItem(found if found is not None else everything)
        self.view.verticalScrollBar().setValue(scroll)
        self._update_buttons()
        if had_selection and selected is not None and found is None:
            self.folder_selected.emit(None)

    def select_folder(self, path: str | None) -> bool:
        """Select `path` (None: All Photos) without announcing it; False (All Photos
        selected) when the tree lacks the folder."""
        found = self._find(path)
        with QSignalBlocker(self.view):
            if found is not None:
                self._reveal(found)
                self.view.setCurrentItem(found)
            else:
                self.view.setCurrentItem(self._everything)
        self._update_buttons()
        return found is not None

    def show_scope(self, folders: tuple[str, ...]) -> None:
        """The filter bar's folders changed: select the one folder when the tree has it, All
        Photos for none, nothing for several (announces nothing)."""
        if len(folders) == 1 and self._find(folders[0]) is not None:
            self.select_folder(folders[0])
        elif not folders:
            self.select_folder(None)
        else:
            with QSignalBlocker(self.view):
                self.view.setCurrentIndex(QModelIndex())
            self._update_buttons()

    def item_for(self, path: str | None) -> QTreeWidgetItem | None:
        """The entry for `path` (None: All Photos), for tests and the context menu."""
        return self._find(path)

    # building -------------------------------------------------------------------------------
    def _item(self, node: FolderNode, *, is_root: bool) -> QTreeWidgetItem:
        item = QTreeWidgetItem([node.name, i18n.number(node.count)])
        item.setData(_NAME, _PATH, node.path)
        item.setData(_NAME, _ROOT, is_root)
        item.setData(_NAME, _REACHABLE, node.reachable)
        item.setTextAlignment(_COUNT, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        count = self.tr("%Ln photos", "", node.count)
        icons = QStyle.StandardPixmap
        if node.reachable:
            icon = icons.SP_DriveHDIcon if is_root else icons.SP_DirIcon
            tip = f"{node.path}\n{count}"
        else:
            icon = icons.SP_MessageBoxWarning if is_root else icons.SP_DirIcon
            tip = self.tr(
                "{path}\nThis folder cannot be reached: is its drive connected? Its {count} "
                "stay in the library."
            ).format(path=node.path, count=count)
            grey = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            font = QFont(self.font())
            font.setItalic(True)
            for column in (_NAME, _COUNT):
                item.setForeground(column, grey)
                item.setFont(column, font)
        item.setIcon(_NAME, self.style().standardIcon(icon))
        for column in (_NAME, _COUNT):
            item.setToolTip(column, tip)
        return item

    def _add_children(self, item: QTreeWidgetItem, node: FolderNode) -> None:
        for child in node.children:
            child_item = self._item(child, is_root=False)
            item.addChild(child_item)
            self._add_children(child_item, child)

    def _fresh_root(self, item: QTreeWidgetItem) -> bool:
        """A library folder shown for the first time opens one level."""
        return bool(item.data(_NAME, _ROOT)) and item.data(_NAME, _PATH) not in self._seen_roots

    def _items(self) -> list[QTreeWidgetItem]:
        items: list[QTreeWidgetItem] = []
        stack = _children(self.view.invisibleRootItem())
        while stack:
            item = stack.pop()
            items.append(item)
            stack.extend(_children(item))
        return items

    def _find(self, path: str | None) -> QTreeWidgetItem | None:
        if path is None:
            return self._everything
        for item in self._items():
            if item.data(_NAME, _PATH) == path:
                return item
        return None

    def _reveal(self, item: QTreeWidgetItem) -> None:
        parent = item.parent()
        while parent is not None:
            parent.setExpanded(True)
            parent = parent.parent()

    # the person's actions -------------------------------------------------------------------
    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _current_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        self._update_buttons()
        if current is not None:
            self.folder_selected.emit(current.data(_NAME, _PATH))

    def _current_root(self) -> str | None:
        item = self.view.currentItem()
        return item.data(_NAME, _PATH) if item is not None and item.data(_NAME, _ROOT) else None

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self._current_root() is not None)

    def _remove_current(self) -> None:
        root = self._current_root()
        if root is not None:
            self.remove_requested.emit(root)

    @Slot(QPoint)
    def _context_menu(self, at: QPoint) -> None:
        menu = self.context_menu(self.view.itemAt(at))
        menu.exec(self.view.viewport().mapToGlobal(at))
        menu.deleteLater()

    def context_menu(self, item: QTreeWidgetItem | None) -> QMenu:
        """The menu for `item` (None: the empty space under the folders). Its actions carry
        their folder as data and reach the sidebar by bound methods: no closure holds it."""
        menu = QMenu(self)
        if item is not None and item.data(_NAME, _ROOT):
            root = str(item.data(_NAME, _PATH))
            rescan = menu.addAction(self.tr("Rescan This Folder"), self._rescan_root)
            rescan.setData(root)
            rescan.setEnabled(bool(item.data(_NAME, _REACHABLE)))
            menu.addAction(self.tr("Remove Folder…"), self._remove_root).setData(root)
            menu.addSeparator()
        menu.addAction(self.tr("Add Folder…"), self.add_requested.emit)
        menu.addAction(self.tr("Rescan All Folders"), self._rescan_all)
        return menu

    @Slot()
    def _rescan_all(self) -> None:
        self.rescan_requested.emit(None)

    @Slot()
    def _rescan_root(self) -> None:
        self.rescan_requested.emit(self._sender_folder())

    @Slot()
    def _remove_root(self) -> None:
        self.remove_requested.emit(self._sender_folder())

    def _sender_folder(self) -> str:
        action = self.sender()
        assert isinstance(action, QAction)
        return str(action.data())


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [child for i in range(item.childCount()) if (child := item.child(i)) is not None]
