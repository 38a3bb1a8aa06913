; 社工站工作平台 (shuanbai-desktop) — Inno Setup 6 script (6.3 or newer).
;
; Do not compile by hand: `python installer\build.py windows` (called by build.ps1) passes
;   /DAppVersion=<shuanbai_desktop.__version__>  /DAppVersionNumeric=<x.y.z.0>
;   /DBundleDir=<dist\shuanbai-desktop>          /O<dist>
; The version lives only in shuanbai_desktop/__init__.py; this file never repeats it.
;
; Chinese UI: ChineseSimplified.isl is an *unofficial* translation and is not installed with Inno
; Setup. Put it next to this file (installer\windows\ChineseSimplified.isl) or into Inno Setup's
; Languages folder; build.ps1 downloads it from
; https://raw.githubusercontent.com/jrsoftware/issrc/main/Files/Languages/Unofficial/ChineseSimplified.isl
;
; Install mode: per user by default (no administrator needed, {autopf} = %LOCALAPPDATA%\Programs);
; the first page offers "install for all users" (Program Files, needs administrator).
; Data: %LOCALAPPDATA%\shuanbai-desktop (platformdirs.user_data_dir("shuanbai-desktop",
; appauthor=False)) is written by the program only and is never deleted by (un)installing.
; Installed for all users (administrator), the setup also makes %ProgramData%\shuanbai-desktop
; (platformdirs.site_data_dir, the program's paths.machine_data_dir) with Modify rights for the PC's
; Users group: a station set up "for every account of this PC" lives there, so each Windows account
; opens the same station (issue 19). Never removed by the uninstaller either.

#ifndef AppVersion
  #error AppVersion is not defined: build with "python installer\build.py windows"
#endif
#ifndef AppVersionNumeric
  #error AppVersionNumeric is not defined: build with "python installer\build.py windows"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\shuanbai-desktop"
#endif
#define AppName "社工站工作平台"
#define AppExe "shuanbai-desktop.exe"
#define AppDirName "shuanbai-desktop"
#ifexist "ChineseSimplified.isl"
  #define ChineseIsl "ChineseSimplified.isl"
#else
  #define ChineseIsl "compiler:Languages\ChineseSimplified.isl"
#endif

[Setup]
; Fixed for ever: the same AppId lets a newer setup upgrade the installed version in place.
AppId={{73A0F3AC-957F-45FB-B69B-5F403FE48998}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersionNumeric}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} 安装程序
DefaultDirName={autopf}\{#AppDirName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
UsePreviousPrivileges=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6 runs on Windows 10 1809 (build 17763) or newer, x64 only.
MinVersion=10.0.17763
SetupIconFile=shuanbai.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
ShowLanguageDialog=no
CloseApplications=yes
RestartApplications=no
OutputDir=..\..\dist
OutputBaseFilename=shuanbai-desktop-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
LZMANumBlockThreads=4
SetupLogging=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "{#ChineseIsl}"

[CustomMessages]
DataKept=程序已卸载。您的数据（数据库和备份）仍保留在：%n%1%n如不再需要，可手动删除该文件夹；重新安装后会继续使用这些数据。
SharedDataKept=本机各账户共用的社工站数据也仍保留在：%n%1%n（其他账户仍可能需要它，请勿随意删除。）

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Dirs]
; The folder every Windows account of this PC shares (an install for all users only: setting its rights
; needs the administrator). Files the program writes in it inherit Modify for Users; kept on uninstall.
Name: "{commonappdata}\{#AppDirName}"; Permissions: users-modify; Flags: uninsneveruninstall; Check: IsAdminInstallMode

[InstallDelete]
; An upgrade replaces the program files completely (stale libraries of the old version would mix
; with the new ones). Only the program folder: the data are elsewhere.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder itself once it is empty. The user data folder
; (%LOCALAPPDATA%\shuanbai-desktop: database, backups, logs) is deliberately not listed.
Type: dirifempty; Name: "{app}"

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and (not UninstallSilent) then
  begin
    MsgBox(FmtMessage(CustomMessage('DataKept'), [ExpandConstant('{localappdata}\{#AppDirName}')]),
           mbInformation, MB_OK);
    if DirExists(ExpandConstant('{commonappdata}\{#AppDirName}')) then
      MsgBox(FmtMessage(CustomMessage('SharedDataKept'), [ExpandConstant('{commonappdata}\{#AppDirName}')]),
             mbInformation, MB_OK);
  end;
end;
