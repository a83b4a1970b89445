<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
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
