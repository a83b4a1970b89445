; Inno Setup script for the Windows installer of Lumen Gallery.
; Build the one-folder app first on Windows:
;   py -m pip install pyinstaller && py -m PyInstaller --noconfirm --distpath dist packaging\lumen-gallery.spec
; then compile this script with Inno Setup 6:  iscc packaging\windows\lumen-gallery.iss
; The result is dist\LumenGallery-Setup-0.1.0.exe: per-user install, Start-menu shortcut,
; optional desktop icon, uninstaller.

#define AppName "Lumen Gallery"
#define AppVersion "0.1.0"
#define AppExe "lumen-gallery.exe"

[Setup]
AppId={{5B2B7C1E-2E0A-4C56-9B3D-6F1E2A7C9D41}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Lumen
DefaultDirName={autopf}\Lumen Gallery
DefaultGroupName=Lumen Gallery
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename=LumenGallery-Setup-{#AppVersion}
SetupIconFile=..\..\resources\icons\lumen-gallery.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\lumen-gallery\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
