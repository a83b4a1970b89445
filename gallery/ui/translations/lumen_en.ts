<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>DuplicatesView</name>
    <message numerus="yes">
        <source>Looking for duplicates among %Ln photos…</source>
        <translation>
            <numerusform>Looking for duplicates among %Ln photo…</numerusform>
            <numerusform>Looking for duplicates among %Ln photos…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos</source>
        <translation>
            <numerusform>%Ln photo</numerusform>
            <numerusform>%Ln photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln groups of duplicates among {where}.</source>
        <translation>
            <numerusform>%Ln group of duplicates among {where}.</numerusform>
            <numerusform>%Ln groups of duplicates among {where}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos were not compared yet: their fingerprints are being made in the background. Find Again when it is done.</source>
        <translation>
            <numerusform>%Ln photo was not compared yet: its fingerprint is being made in the background. Find Again when it is done.</numerusform>
            <numerusform>%Ln photos were not compared yet: their fingerprints are being made in the background. Find Again when it is done.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln Photos to Trash</source>
        <translation>
            <numerusform>Move %Ln Photo to Trash</numerusform>
            <numerusform>Move %Ln Photos to Trash</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln photos to the Trash? You can restore them from the system&apos;s Trash.</source>
        <translation>
            <numerusform>Move %Ln photo to the Trash? You can restore it from the system&apos;s Trash.</numerusform>
            <numerusform>Move %Ln photos to the Trash? You can restore them from the system&apos;s Trash.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moving %Ln photos to the Trash…</source>
        <translation>
            <numerusform>Moving %Ln photo to the Trash…</numerusform>
            <numerusform>Moving %Ln photos to the Trash…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln photos to the Trash.</source>
        <translation>
            <numerusform>Moved %Ln photo to the Trash.</numerusform>
            <numerusform>Moved %Ln photos to the Trash.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln could not be moved:</source>
        <translation>
            <numerusform>%Ln could not be moved:</numerusform>
            <numerusform>%Ln could not be moved:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>and %Ln more.</source>
        <translation>
            <numerusform>and %Ln more.</numerusform>
            <numerusform>and %Ln more.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message numerus="yes">
        <source>%Ln folders</source>
        <translation>
            <numerusform>%Ln folder</numerusform>
            <numerusform>%Ln folders</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln types</source>
        <translation>
            <numerusform>%Ln type</numerusform>
            <numerusform>%Ln types</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FolderActions</name>
    <message numerus="yes">
        <source>Remove “{name}” from the library? Its %Ln photos leave Lumen Gallery; the files stay on the disk.</source>
        <translation>
            <numerusform>Remove “{name}” from the library? Its %Ln photo leaves Lumen Gallery; the files stay on the disk.</numerusform>
            <numerusform>Remove “{name}” from the library? Its %Ln photos leave Lumen Gallery; the files stay on the disk.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln folders cannot be reached (is the drive connected?): not rescanned.</source>
        <translation>
            <numerusform>%Ln folder cannot be reached (is the drive connected?): not rescanned.</numerusform>
            <numerusform>%Ln folders cannot be reached (is the drive connected?): not rescanned.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FoldersSidebar</name>
    <message numerus="yes">
        <source>%Ln photos</source>
        <translation>
            <numerusform>%Ln photo</numerusform>
            <numerusform>%Ln photos</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LibraryCheckDialog</name>
    <message numerus="yes">
        <source>%Ln problems found.</source>
        <translation>
            <numerusform>%Ln problem found.</numerusform>
            <numerusform>%Ln problems found.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%Ln photos</source>
        <translation>
            <numerusform>%Ln photo</numerusform>
            <numerusform>%Ln photos</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ModelActions</name>
    <message numerus="yes">
        <source>Use {name} from now on? %Ln photos still have to be indexed with it; until then searches find only the photos it has seen.</source>
        <translation>
            <numerusform>Use {name} from now on? %Ln photo still has to be indexed with it; until then searches find only the photos it has seen.</numerusform>
            <numerusform>Use {name} from now on? %Ln photos still have to be indexed with it; until then searches find only the photos it has seen.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ModelsDialog</name>
    <message numerus="yes">
        <source>Switching to {title} keeps your current index; %Ln photos still have to be indexed with it.</source>
        <translation>
            <numerusform>Switching to {title} keeps your current index; %Ln photo still has to be indexed with it.</numerusform>
            <numerusform>Switching to {title} keeps your current index; %Ln photos still have to be indexed with it.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PhotoActions</name>
    <message numerus="yes">
        <source>Open %Ln photos in other apps?</source>
        <translation>
            <numerusform>Open %Ln photo in other apps?</numerusform>
            <numerusform>Open %Ln photos in other apps?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copied %Ln paths.</source>
        <translation>
            <numerusform>Copied %Ln path.</numerusform>
            <numerusform>Copied %Ln paths.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No text was found in %Ln photos.</source>
        <translation>
            <numerusform>No text was found in %Ln photo.</numerusform>
            <numerusform>No text was found in %Ln photos.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copied the text of %Ln photos.</source>
        <translation>
            <numerusform>Copied the text of %Ln photo.</numerusform>
            <numerusform>Copied the text of %Ln photos.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copy %Ln Photos To</source>
        <translation>
            <numerusform>Copy %Ln Photo To</numerusform>
            <numerusform>Copy %Ln Photos To</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln Photos To</source>
        <translation>
            <numerusform>Move %Ln Photo To</numerusform>
            <numerusform>Move %Ln Photos To</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copying %Ln photos…</source>
        <translation>
            <numerusform>Copying %Ln photo…</numerusform>
            <numerusform>Copying %Ln photos…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copied %Ln photos to {folder}.</source>
        <translation>
            <numerusform>Copied %Ln photo to {folder}.</numerusform>
            <numerusform>Copied %Ln photos to {folder}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos could not be copied.</source>
        <translation>
            <numerusform>%Ln photo could not be copied.</numerusform>
            <numerusform>%Ln photos could not be copied.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moving %Ln photos…</source>
        <translation>
            <numerusform>Moving %Ln photo…</numerusform>
            <numerusform>Moving %Ln photos…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln photos to {folder}.</source>
        <translation>
            <numerusform>Moved %Ln photo to {folder}.</numerusform>
            <numerusform>Moved %Ln photos to {folder}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos could not be moved.</source>
        <translation>
            <numerusform>%Ln photo could not be moved.</numerusform>
            <numerusform>%Ln photos could not be moved.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moving %Ln photos to the Trash…</source>
        <translation>
            <numerusform>Moving %Ln photo to the Trash…</numerusform>
            <numerusform>Moving %Ln photos to the Trash…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln photos to the Trash.</source>
        <translation>
            <numerusform>Moved %Ln photo to the Trash.</numerusform>
            <numerusform>Moved %Ln photos to the Trash.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos could not be moved to the Trash.</source>
        <translation>
            <numerusform>%Ln photo could not be moved to the Trash.</numerusform>
            <numerusform>%Ln photos could not be moved to the Trash.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln photos from “{folder}” to the Trash?</source>
        <translation>
            <numerusform>Move %Ln photo from “{folder}” to the Trash?</numerusform>
            <numerusform>Move %Ln photos from “{folder}” to the Trash?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln photos from {folders} to the Trash?</source>
        <translation>
            <numerusform>Move %Ln photo from {folders} to the Trash?</numerusform>
            <numerusform>Move %Ln photos from {folders} to the Trash?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln folders</source>
        <translation>
            <numerusform>%Ln folder</numerusform>
            <numerusform>%Ln folders</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moving %Ln photos back…</source>
        <translation>
            <numerusform>Moving %Ln photo back…</numerusform>
            <numerusform>Moving %Ln photos back…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln photos back.</source>
        <translation>
            <numerusform>Moved %Ln photo back.</numerusform>
            <numerusform>Moved %Ln photos back.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos could not be moved back.</source>
        <translation>
            <numerusform>%Ln photo could not be moved back.</numerusform>
            <numerusform>%Ln photos could not be moved back.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moving %Ln copies to the Trash…</source>
        <translation>
            <numerusform>Moving %Ln copy to the Trash…</numerusform>
            <numerusform>Moving %Ln copies to the Trash…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln copies to the Trash.</source>
        <translation>
            <numerusform>Moved %Ln copy to the Trash.</numerusform>
            <numerusform>Moved %Ln copies to the Trash.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln copies could not be moved to the Trash.</source>
        <translation>
            <numerusform>%Ln copy could not be moved to the Trash.</numerusform>
            <numerusform>%Ln copies could not be moved to the Trash.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %Ln more</source>
        <translation>
            <numerusform>… and %Ln more</numerusform>
            <numerusform>… and %Ln more</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatusMessage</name>
    <message numerus="yes">
        <source>Scanning… %Ln files found</source>
        <translation>
            <numerusform>Scanning… %Ln file found</numerusform>
            <numerusform>Scanning… %Ln files found</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln skipped</source>
        <translation>
            <numerusform>%Ln skipped</numerusform>
            <numerusform>%Ln skipped</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Indexing cancelled: %Ln photos added</source>
        <translation>
            <numerusform>Indexing cancelled: %Ln photo added</numerusform>
            <numerusform>Indexing cancelled: %Ln photos added</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Indexing done: %Ln photos added</source>
        <translation>
            <numerusform>Indexing done: %Ln photo added</numerusform>
            <numerusform>Indexing done: %Ln photos added</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %Ln could not be read</source>
        <translation>
            <numerusform>, %Ln could not be read</numerusform>
            <numerusform>, %Ln could not be read</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos match the filters</source>
        <translation>
            <numerusform>%Ln photo matches the filters</numerusform>
            <numerusform>%Ln photos match the filters</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>More than %Ln best matches for “{query}”</source>
        <translation>
            <numerusform>More than %Ln best match for “{query}”</numerusform>
            <numerusform>More than %Ln best matches for “{query}”</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln best matches for “{query}” — more below</source>
        <translation>
            <numerusform>%Ln best match for “{query}” — more below</numerusform>
            <numerusform>%Ln best matches for “{query}” — more below</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln best matches for “{query}”</source>
        <translation>
            <numerusform>%Ln best match for “{query}”</numerusform>
            <numerusform>%Ln best matches for “{query}”</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln photos</source>
        <translation>
            <numerusform>%Ln photo</numerusform>
            <numerusform>%Ln photos</numerusform>
        </translation>
    </message>
</context>
</TS>
