; Siberius office daemon: the 64-bit Windows installer.
;
; Built on Linux by daemon/windows/make-installer.sh (Debian's makensis), which
; passes VERSION, DIST (the folder holding siberius-daemon.exe and
; siberius-pdf-reader.exe) and OUTFILE, and reads this file as UTF-8.
;
; Interactive: asks the server URL, the daemon token and the PDF folder, writes
; %ProgramData%\Siberius\daemon.env, tests the connection and installs and starts
; the service SiberiusDaemon (siberius-daemon.exe --install-service).
;
; Silent (deployment), from cmd or PowerShell:
;   siberius-daemon-setup-X.Y.Z.exe /S /SERVER_URL=https://siberius.example:8443
;       /TOKEN=xxxx /PDF_DIRECTORY="D:\Escritório\PDFs"
; A value with spaces is quoted, either the value alone (/PDF_DIRECTORY="D:\a b")
; or the whole option ("/PDF_DIRECTORY=D:\a b"). On an upgrade any of the three
; may be left out: the existing daemon.env keeps its value (and its other lines).
; /D=C:\Other\Folder (last, unquoted) changes the program folder.
; Exit codes: 0 installed (a failed connection test is reported, not fatal),
; 1 cancelled, 2 missing or invalid configuration, 3 the service could not be
; installed. Silent installs leave their report in
; %ProgramData%\Siberius\logs\installer.log.
;
; Uninstall: "%ProgramFiles%\Siberius\Uninstall.exe" [/S] [/PURGE]. The service
; and the program files go; %ProgramData%\Siberius (daemon.env and the logs)
; stays, unless /PURGE is given or the user answers yes when asked.

Unicode true
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel admin

!ifndef VERSION
  !error "VERSION is not defined: build with daemon/windows/make-installer.sh"
!endif
!ifndef DIST
  !error "DIST is not defined: build with daemon/windows/make-installer.sh"
!endif
!ifndef OUTFILE
  !define OUTFILE "siberius-daemon-setup-${VERSION}.exe"
!endif

!define PRODUCT "Siberius Daemon"
!define SERVICE "SiberiusDaemon"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\SiberiusDaemon"
; daemon.env: a protected DACL (nothing inherited): SYSTEM and Administrators full
; control, LocalService (the service account) read. SIDs, not names, which are
; translated on a localized Windows.
!define ENV_SDDL "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FR;;;LS)"
!define ENV_ICACLS "/inheritance:r /grant:r *S-1-5-18:F *S-1-5-32-544:F *S-1-5-19:R"
; logs: what it inherits from %ProgramData% plus modify (write, rotate) for LocalService.
!define LOGS_SDDL "D:(A;OICI;0x1301bf;;;LS)"
!define LOGS_ICACLS "/grant *S-1-5-19:(OI)(CI)M"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\Siberius"
InstallDirRegKey HKLM "${UNINST_KEY}" "InstallLocation"
BrandingText "Siberius ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

!include "MUI2.nsh"
!include "nsDialogs.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "WordFunc.nsh"
!include "x64.nsh"

Var ServerUrl
Var Token
Var PdfDir
Var GivenUrl        ; 1 when the value is to be written into daemon.env
Var GivenToken
Var GivenDir
Var DataDir         ; %ProgramData%\Siberius
Var EnvFile
Var HaveEnv         ; 1 when daemon.env existed before this run
Var OldUrl          ; values read from an existing daemon.env (page prefill)
Var OldDir
Var UrlField
Var TokenField
Var DirField
Var ErrText
Var FinishText
Var Result          ; exit code for silent installs
Var AclPath         ; arguments and result of SetAcl
Var AclSddl
Var AclProtected
Var AclIcacls
Var AclResult

!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_NOAUTOCLOSE
!define MUI_UNFINISHPAGE_NOAUTOCLOSE
!define MUI_FINISHPAGE_TEXT "$FinishText"

!insertmacro MUI_PAGE_WELCOME
Page custom ConfigPage ConfigPageLeave
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_UNPAGE_FINISH

; The first language is the default when Windows' own is neither.
!insertmacro MUI_LANGUAGE "PortugueseBR"
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "${PRODUCT} setup"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "Siberius"

; ---------------------------------------------------------------- texts

LangString CfgTitle ${LANG_PORTUGUESEBR} "Conexão com o servidor"
LangString CfgTitle ${LANG_ENGLISH} "Server connection"
LangString CfgSubtitle ${LANG_PORTUGUESEBR} "Endereço do servidor Siberius, token do daemon e pasta dos PDFs."
LangString CfgSubtitle ${LANG_ENGLISH} "Siberius server address, daemon token and PDF folder."
LangString CfgUrl ${LANG_PORTUGUESEBR} "Endereço do servidor (por exemplo https://siberius.escritorio.local:8443):"
LangString CfgUrl ${LANG_ENGLISH} "Server address (for example https://siberius.office.lan:8443):"
LangString CfgToken ${LANG_PORTUGUESEBR} "Token do daemon (gerado no servidor: siberius-admin daemon-token create):"
LangString CfgToken ${LANG_ENGLISH} "Daemon token (issued on the server: siberius-admin daemon-token create):"
LangString CfgTokenKeep ${LANG_PORTUGUESEBR} "Token do daemon (deixe em branco para manter o token atual):"
LangString CfgTokenKeep ${LANG_ENGLISH} "Daemon token (leave blank to keep the current one):"
LangString CfgDir ${LANG_PORTUGUESEBR} "Pasta dos PDFs (monitorada junto com as subpastas):"
LangString CfgDir ${LANG_ENGLISH} "PDF folder (watched with its subfolders):"
LangString CfgBrowse ${LANG_PORTUGUESEBR} "Procurar..."
LangString CfgBrowse ${LANG_ENGLISH} "Browse..."
LangString CfgBrowseTitle ${LANG_PORTUGUESEBR} "Escolha a pasta dos PDFs"
LangString CfgBrowseTitle ${LANG_ENGLISH} "Choose the PDF folder"
LangString CfgNote ${LANG_PORTUGUESEBR} "O serviço roda com a conta Serviço Local (LocalService): a pasta precisa poder ser lida por ela. Letras de unidade de rede mapeadas (como P:) não existem para o serviço. A configuração fica em $DataDir\daemon.env."
LangString CfgNote ${LANG_ENGLISH} "The service runs as Local Service (LocalService): that account must be able to read the folder. Mapped network drive letters (such as P:) do not exist for the service. The configuration is kept in $DataDir\daemon.env."
LangString ErrUrl ${LANG_PORTUGUESEBR} "O endereço do servidor deve começar com http://, https://, ws:// ou wss://."
LangString ErrUrl ${LANG_ENGLISH} "The server address must start with http://, https://, ws:// or wss://."
LangString ErrToken ${LANG_PORTUGUESEBR} "Informe o token do daemon."
LangString ErrToken ${LANG_ENGLISH} "Enter the daemon token."
LangString ErrDir ${LANG_PORTUGUESEBR} "A pasta dos PDFs não existe:"
LangString ErrDir ${LANG_ENGLISH} "The PDF folder does not exist:"
LangString ErrMissing ${LANG_PORTUGUESEBR} "Sem configuração: uma primeira instalação silenciosa precisa de /SERVER_URL=, /TOKEN= e /PDF_DIRECTORY=."
LangString ErrMissing ${LANG_ENGLISH} "No configuration: a first silent install needs /SERVER_URL=, /TOKEN= and /PDF_DIRECTORY=."
LangString ErrEnvWrite ${LANG_PORTUGUESEBR} "Não foi possível gravar a configuração:"
LangString ErrEnvWrite ${LANG_ENGLISH} "Could not write the configuration:"
LangString AclFailed ${LANG_PORTUGUESEBR} "Atenção: não foi possível restringir as permissões de"
LangString AclFailed ${LANG_ENGLISH} "Warning: could not restrict the permissions of"
LangString Checking ${LANG_PORTUGUESEBR} "Testando a conexão com o servidor..."
LangString Checking ${LANG_ENGLISH} "Testing the connection to the server..."
LangString CheckOk ${LANG_PORTUGUESEBR} "Conexão com o servidor testada com sucesso."
LangString CheckOk ${LANG_ENGLISH} "The connection to the server works."
LangString CheckNoConn ${LANG_PORTUGUESEBR} "O daemon não conseguiu se conectar ao servidor agora. A instalação continua e o serviço tentará de novo sozinho; se isso persistir, confira o endereço, o token e o firewall."
LangString CheckNoConn ${LANG_ENGLISH} "The daemon could not connect to the server just now. The installation goes on and the service keeps retrying; if this persists, check the address, the token and the firewall."
LangString CheckBadConfig ${LANG_PORTUGUESEBR} "A configuração é inválida e o serviço não foi instalado. Execute o instalador de novo com os valores corretos."
LangString CheckBadConfig ${LANG_ENGLISH} "The configuration is invalid and the service was not installed. Run the installer again with the right values."
LangString SvcStarted ${LANG_PORTUGUESEBR} "O serviço SiberiusDaemon foi instalado e está em execução (início automático)."
LangString SvcStarted ${LANG_ENGLISH} "The SiberiusDaemon service is installed and running (automatic start)."
LangString SvcNotStarted ${LANG_PORTUGUESEBR} "O serviço SiberiusDaemon foi instalado (início automático), mas não iniciou agora. Veja os logs em $DataDir\logs."
LangString SvcNotStarted ${LANG_ENGLISH} "The SiberiusDaemon service is installed (automatic start) but did not start just now. See the logs in $DataDir\logs."
LangString SvcFailed ${LANG_PORTUGUESEBR} "Não foi possível instalar o serviço SiberiusDaemon:"
LangString SvcFailed ${LANG_ENGLISH} "Could not install the SiberiusDaemon service:"
LangString StopOld ${LANG_PORTUGUESEBR} "Parando o serviço SiberiusDaemon..."
LangString StopOld ${LANG_ENGLISH} "Stopping the SiberiusDaemon service..."
LangString UnPurge ${LANG_PORTUGUESEBR} "Apagar também a configuração (com o token do daemon) e os logs em $DataDir?$\r$\n$\r$\nEscolha Não para manter a configuração para uma reinstalação."
LangString UnPurge ${LANG_ENGLISH} "Also delete the configuration (with the daemon token) and the logs in $DataDir?$\r$\n$\r$\nChoose No to keep the configuration for a reinstall."
LangString UnKept ${LANG_PORTUGUESEBR} "Configuração e logs mantidos em"
LangString UnKept ${LANG_ENGLISH} "Configuration and logs kept in"

; ---------------------------------------------------------------- helpers

; Appends one line to $DataDir\logs\installer.log (UTF-8) and to the details list.
!macro Log text
  Push "${text}"
  Call Log
!macroend
!define Log "!insertmacro Log"

; Writes a string to an open file handle as UTF-8 (FileWrite would use the ANSI
; code page, and the daemon reads its configuration as UTF-8).
!macro WriteUtf8 handle text
  Push ${handle}
  Push "${text}"
  Call WriteUtf8
!macroend

!macro TrimLeftCall var
  Push ${var}
  Call TrimLeft
  Pop ${var}
!macroend
!define TrimLeft "!insertmacro TrimLeftCall"
!macro TrimRightCall var
  Push ${var}
  Call TrimRight
  Pop ${var}
!macroend
!define TrimRight "!insertmacro TrimRightCall"
!macro UnTrimRightCall var
  Push ${var}
  Call un.TrimRight
  Pop ${var}
!macroend
!define UnTrimRight "!insertmacro UnTrimRightCall"

Function WriteUtf8
  Exch $0   ; text
  Exch
  Exch $1   ; handle
  Push $2
  Push $3
  Push $4
  System::Call 'kernel32::WideCharToMultiByte(i 65001, i 0, w r0, i -1, p 0, i 0, p 0, p 0) i .r2'
  ${If} $2 > 1
    System::Alloc $2
    Pop $3
    System::Call 'kernel32::WideCharToMultiByte(i 65001, i 0, w r0, i -1, p r3, i r2, p 0, p 0)'
    IntOp $2 $2 - 1 ; without the terminating zero
    System::Call 'kernel32::WriteFile(p r1, p r3, i r2, *i .r4, p 0)'
    System::Free $3
  ${EndIf}
  Pop $4
  Pop $3
  Pop $2
  Pop $1
  Pop $0
FunctionEnd

Function Log
  Exch $0
  Push $1
  DetailPrint "$0"
  SetDetailsPrint none
  CreateDirectory "$DataDir\logs"
  ClearErrors
  FileOpen $1 "$DataDir\logs\installer.log" a
  ${IfNot} ${Errors}
    FileSeek $1 0 END
    !insertmacro WriteUtf8 $1 "$0$\r$\n"
    FileClose $1
  ${EndIf}
  SetDetailsPrint lastused
  Pop $1
  Pop $0
FunctionEnd

; The value of option $1 (such as "/TOKEN=") in command line $0, in $0; error
; flag set when absent. Unlike GetOptions from FileFunc.nsh it does not stop at
; the next "/", so an unquoted URL is taken whole: an unquoted value ends at
; " /" or at the end, a value starting with a quote (/KEY="a b") at the closing
; quote, and an option inside quotes ("/KEY=a b") at the quote closing it.
; Push command line, Push option; the value on the stack.
Function GetOption
  Exch $1   ; option
  Exch
  Exch $0   ; command line
  Push $2
  Push $3
  Push $4
  Push $5
  StrLen $3 $1
  StrCpy $2 0          ; position
  ClearErrors
  loop:
    StrCpy $4 $0 $3 $2
    StrCmp $4 "" notfound
    StrCmp $4 $1 0 next  ; case-insensitive
    ; the option starts a word: at the start, after a space or after a quote
    ${If} $2 == 0
      StrCpy $5 ""
    ${Else}
      IntOp $5 $2 - 1
      StrCpy $5 $0 1 $5
    ${EndIf}
    ${If} $5 == ""
    ${OrIf} $5 == " "
    ${OrIf} $5 == '"'
      Goto found
    ${EndIf}
  next:
    IntOp $2 $2 + 1
    Goto loop
  found:
    IntOp $4 $2 + $3
    StrCpy $0 $0 "" $4   ; the rest, after "/KEY="
    ${If} $5 == '"'
      StrCpy $5 '"'      ; the option was quoted as a whole: up to the quote
    ${Else}
      StrCpy $4 $0 1
      ${If} $4 == '"'
        StrCpy $0 $0 "" 1
        StrCpy $5 '"'
      ${Else}
        StrCpy $5 ""
      ${EndIf}
    ${EndIf}
    StrCpy $2 0
  scan:
    StrCpy $4 $0 1 $2
    StrCmp $4 "" cut
    ${If} $5 == '"'
      StrCmp $4 '"' cut
    ${Else}
      ; an unquoted value ends where the next option starts: " /" or ' "/'
      StrCpy $4 $0 2 $2
      StrCmp $4 " /" cut
      StrCpy $4 $0 3 $2
      StrCmp $4 ' "/' cut
    ${EndIf}
    IntOp $2 $2 + 1
    Goto scan
  cut:
    StrCpy $0 $0 $2
    ; trailing spaces of an unquoted value
  trim:
    StrCpy $4 $0 1 -1
    StrCmp $4 " " 0 done
    StrCpy $0 $0 -1
    Goto trim
  notfound:
    StrCpy $0 ""
    SetErrors
  done:
  Pop $5
  Pop $4
  Pop $3
  Pop $2
  Exch
  Pop $1
  Exch $0
FunctionEnd

; Sets the DACL of a file or folder from SDDL with SetNamedSecurityInfoW (what
; icacls does, without depending on its output or on account names); icacls with
; the same rights when that fails. $AclResult: "api", "icacls" or "failed".
!macro SetAcl path sddl protected icacls
  StrCpy $AclPath "${path}"
  StrCpy $AclSddl "${sddl}"
  StrCpy $AclProtected ${protected}
  StrCpy $AclIcacls "${icacls}"
  Call SetAcl
!macroend
!define SetAcl "!insertmacro SetAcl"

Function SetAcl
  Push $0
  Push $1
  Push $2
  Push $3
  StrCpy $AclResult failed
  ; SDDL_REVISION_1
  System::Call 'advapi32::ConvertStringSecurityDescriptorToSecurityDescriptorW(w "$AclSddl", i 1, *p .r0, p 0) i .r1'
  ${If} $1 <> 0
    System::Call 'advapi32::GetSecurityDescriptorDacl(p r0, *i .r1, *p .r2, *i .r3) i .r1'
    ; DACL_SECURITY_INFORMATION, with PROTECTED_ (inherits nothing) or
    ; UNPROTECTED_ (keeps what the parent folder passes on)
    ${If} $AclProtected == 1
      StrCpy $3 0x80000004
    ${Else}
      StrCpy $3 0x20000004
    ${EndIf}
    ; SE_FILE_OBJECT; returns a Win32 error code
    System::Call 'advapi32::SetNamedSecurityInfoW(w "$AclPath", i 1, i r3, p 0, p 0, p r2, p 0) i .r1'
    System::Call 'kernel32::LocalFree(p r0)'
    ${If} $1 == 0
      StrCpy $AclResult api
    ${EndIf}
  ${EndIf}
  ${If} $AclResult == failed
    nsExec::ExecToStack '"$SYSDIR\icacls.exe" "$AclPath" $AclIcacls'
    Pop $1
    Pop $2
    ${If} $1 == 0
      StrCpy $AclResult icacls
    ${EndIf}
  ${EndIf}
  Pop $3
  Pop $2
  Pop $1
  Pop $0
FunctionEnd

; Stops the service (if installed and running) and waits up to 30 s for it.
; Both installer and uninstaller have it.
!macro StopServiceFunction un
Function ${un}StopService
  Push $0
  Push $1
  Push $2
  Push $3
  Push $4
  System::Call 'advapi32::OpenSCManagerW(p 0, p 0, i 1) p .r0'   ; SC_MANAGER_CONNECT
  ${If} $0 P<> 0
    ; SERVICE_STOP | SERVICE_QUERY_STATUS
    System::Call 'advapi32::OpenServiceW(p r0, w "${SERVICE}", i 0x24) p .r1'
    ${If} $1 P<> 0
      System::Call '*(i, i, i, i, i, i, i) p .r2'   ; SERVICE_STATUS
      System::Call 'advapi32::ControlService(p r1, i 1, p r2) i .r3'   ; SERVICE_CONTROL_STOP
      ${If} $3 <> 0
        DetailPrint "$(StopOld)"
        StrCpy $4 0
        ${Do}
          System::Call 'advapi32::QueryServiceStatus(p r1, p r2) i .r3'
          System::Call '*$2(i, i .r3)'
          ${If} $3 == 1   ; SERVICE_STOPPED
          ${OrIf} $4 >= 60
            ${Break}
          ${EndIf}
          Sleep 500
          IntOp $4 $4 + 1
        ${Loop}
        Sleep 1000   ; its PDF reader processes end with it
      ${EndIf}
      System::Free $2
      System::Call 'advapi32::CloseServiceHandle(p r1)'
    ${EndIf}
    System::Call 'advapi32::CloseServiceHandle(p r0)'
  ${EndIf}
  Pop $4
  Pop $3
  Pop $2
  Pop $1
  Pop $0
FunctionEnd
!macroend
!insertmacro StopServiceFunction ""
!insertmacro StopServiceFunction "un."

; The state of the service (SERVICE_STATUS.dwCurrentState: 1 stopped, 2 start
; pending, 4 running), 0 when it is not installed, on the stack.
Function ServiceState
  Push $0
  Push $1
  Push $2
  Push $3
  StrCpy $3 0
  System::Call 'advapi32::OpenSCManagerW(p 0, p 0, i 1) p .r0'
  ${If} $0 P<> 0
    System::Call 'advapi32::OpenServiceW(p r0, w "${SERVICE}", i 4) p .r1'   ; SERVICE_QUERY_STATUS
    ${If} $1 P<> 0
      System::Call '*(i, i, i, i, i, i, i) p .r2'
      System::Call 'advapi32::QueryServiceStatus(p r1, p r2) i .r3'
      ${If} $3 <> 0
        System::Call '*$2(i, i .r3)'
      ${EndIf}
      System::Free $2
      System::Call 'advapi32::CloseServiceHandle(p r1)'
    ${EndIf}
    System::Call 'advapi32::CloseServiceHandle(p r0)'
  ${EndIf}
  StrCpy $0 $3
  Pop $3
  Pop $2
  Pop $1
  Exch $0
FunctionEnd

; A text that was decoded with the ANSI (or the OEM) code page from UTF-8 bytes
; (FileRead, nsExec output), decoded as UTF-8 instead; unchanged when neither
; code page gives back valid UTF-8.
Function AnsiToUtf8
  Exch $0
  Push $1
  Push $2
  Push $3
  Push $4
  ${ForEach} $4 0 1 + 1   ; CP_ACP, then CP_OEMCP
    System::Call 'kernel32::WideCharToMultiByte(i r4, i 0, w r0, i -1, p 0, i 0, p 0, p 0) i .r1'
    ${If} $1 > 1
      System::Alloc $1
      Pop $2
      System::Call 'kernel32::WideCharToMultiByte(i r4, i 0, w r0, i -1, p r2, i r1, p 0, p 0)'
      ; MB_ERR_INVALID_CHARS
      System::Call 'kernel32::MultiByteToWideChar(i 65001, i 8, p r2, i -1, w .r3, i ${NSIS_MAX_STRLEN}) i .r1'
      System::Free $2
      ${If} $1 > 0
        StrCpy $0 $3
        ${Break}
      ${EndIf}
    ${EndIf}
  ${Next}
  Pop $4
  Pop $3
  Pop $2
  Pop $1
  Exch $0
FunctionEnd

; The name of the setting on a daemon.env line ("" for a comment or blank line).
Function EnvLineKey
  Exch $0
  Push $1
  Push $2
  ${TrimLeft} $0
  StrCpy $1 $0 7
  ${If} $1 == "export "
    StrCpy $0 $0 "" 7
    ${TrimLeft} $0
  ${EndIf}
  StrCpy $1 $0 1
  ${If} $1 == "#"
    StrCpy $0 ""
  ${Else}
    ${WordFind} $0 "=" "+1" $2
    ${If} $2 == $0   ; no "="
      StrCpy $0 ""
    ${Else}
      StrCpy $0 $2
      ${TrimRight} $0
    ${EndIf}
  ${EndIf}
  Pop $2
  Pop $1
  Exch $0
FunctionEnd

Function TrimLeft
  Exch $0
  Push $1
  ${Do}
    StrCpy $1 $0 1
    ${If} $1 == " "
    ${OrIf} $1 == "$\t"
      StrCpy $0 $0 "" 1
    ${Else}
      ${Break}
    ${EndIf}
  ${Loop}
  Pop $1
  Exch $0
FunctionEnd

!macro TrimRightFunction un
Function ${un}TrimRight
  Exch $0
  Push $1
  ${Do}
    StrCpy $1 $0 1 -1
    ${If} $1 == " "
    ${OrIf} $1 == "$\t"
    ${OrIf} $1 == "$\r"
    ${OrIf} $1 == "$\n"
      StrCpy $0 $0 -1
    ${Else}
      ${Break}
    ${EndIf}
  ${Loop}
  Pop $1
  Exch $0
FunctionEnd
!macroend
!insertmacro TrimRightFunction ""
!insertmacro TrimRightFunction "un."

; The value on a daemon.env line "KEY=value" (quotes removed; escapes inside
; double quotes are not interpreted, good enough to prefill the page).
Function EnvLineValue
  Exch $0
  Push $1
  ${WordFind} $0 "=" "+1}" $0
  ${TrimLeft} $0
  ${TrimRight} $0
  StrCpy $1 $0 1
  ${If} $1 == "'"
  ${OrIf} $1 == '"'
    StrCpy $0 $0 "" 1
    ${WordFind} $0 $1 "+1" $0
  ${Else}
    ${WordFind} $0 " #" "+1" $0
    ${TrimRight} $0
  ${EndIf}
  Push $0
  Call AnsiToUtf8
  Pop $0
  Pop $1
  Exch $0
FunctionEnd

; KEY='value' for daemon.env: single quotes (nothing inside is interpreted, so a
; Windows path keeps its backslashes), or double quotes with \ and " escaped when
; the value holds a single quote.  Push key, Push value; the line on the stack.
Function EnvLine
  Exch $1   ; value
  Exch
  Exch $0   ; key
  Push $2
  Push $3
  Push $4
  Push $5
  StrCpy $2 ""   ; the value escaped for double quotes
  StrCpy $5 0    ; holds a single quote
  StrCpy $3 0
  ${Do}
    StrCpy $4 $1 1 $3
    ${If} $4 == ""
      ${Break}
    ${EndIf}
    ${If} $4 == "'"
      StrCpy $5 1
    ${EndIf}
    ${If} $4 == "\"
    ${OrIf} $4 == '"'
      StrCpy $2 "$2\"
    ${EndIf}
    StrCpy $2 "$2$4"
    IntOp $3 $3 + 1
  ${Loop}
  ${If} $5 == 0
    StrCpy $0 "$0='$1'"
  ${Else}
    StrCpy $0 '$0="$2"'
  ${EndIf}
  Pop $5
  Pop $4
  Pop $3
  Pop $2
  Exch
  Pop $1
  Exch $0
FunctionEnd

; Checks the three values ($ServerUrl, $Token, $PdfDir with the Given flags);
; $ErrText is empty when they are fine.
Function ValidateConfig
  StrCpy $ErrText ""
  ${If} $HaveEnv != 1
    ${If} $GivenUrl != 1
    ${OrIf} $GivenToken != 1
    ${OrIf} $GivenDir != 1
      StrCpy $ErrText "$(ErrMissing)"
      Return
    ${EndIf}
  ${EndIf}
  ${If} $GivenUrl == 1
    StrCpy $0 $ServerUrl 7
    StrCpy $1 $ServerUrl 8
    StrCpy $2 $ServerUrl 5
    StrCpy $3 $ServerUrl 6
    ${IfNot} $0 == "http://"
    ${AndIfNot} $1 == "https://"
    ${AndIfNot} $2 == "ws://"
    ${AndIfNot} $3 == "wss://"
      StrCpy $ErrText "$(ErrUrl)"
      Return
    ${EndIf}
  ${EndIf}
  ${If} $GivenDir == 1
    ${IfNot} ${FileExists} "$PdfDir\*.*"
      StrCpy $ErrText "$(ErrDir)$\r$\n$PdfDir"
      Return
    ${EndIf}
  ${EndIf}
FunctionEnd

; Reads SERVER_URL and PDF_DIRECTORY of an existing daemon.env (page prefill).
Function ReadOldEnv
  ClearErrors
  FileOpen $0 "$EnvFile" r
  ${If} ${Errors}
    Return
  ${EndIf}
  ${Do}
    ClearErrors
    FileRead $0 $1
    ${If} ${Errors}
      ${Break}
    ${EndIf}
    Push $1
    Call EnvLineKey
    Pop $2
    ${If} $2 == "SERVER_URL"
      Push $1
      Call EnvLineValue
      Pop $OldUrl
    ${ElseIf} $2 == "PDF_DIRECTORY"
      Push $1
      Call EnvLineValue
      Pop $OldDir
    ${EndIf}
  ${Loop}
  FileClose $0
FunctionEnd

; ---------------------------------------------------------------- installer

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "Siberius: Windows 64-bit." /SD IDOK
    SetErrorLevel 2
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
  StrCpy $DataDir "$APPDATA\Siberius"   ; %ProgramData%\Siberius
  StrCpy $EnvFile "$DataDir\daemon.env"
  StrCpy $Result 0
  StrCpy $HaveEnv 0
  ${If} ${FileExists} "$EnvFile"
    StrCpy $HaveEnv 1
    Call ReadOldEnv
  ${EndIf}

  ${GetParameters} $R0
  StrCpy $GivenUrl 0
  StrCpy $GivenToken 0
  StrCpy $GivenDir 0
  Push $R0
  Push "/SERVER_URL="
  Call GetOption
  Pop $ServerUrl
  ${IfNot} ${Errors}
  ${AndIf} $ServerUrl != ""
    StrCpy $GivenUrl 1
  ${EndIf}
  Push $R0
  Push "/TOKEN="
  Call GetOption
  Pop $Token
  ${IfNot} ${Errors}
  ${AndIf} $Token != ""
    StrCpy $GivenToken 1
  ${EndIf}
  Push $R0
  Push "/PDF_DIRECTORY="
  Call GetOption
  Pop $PdfDir
  ${IfNot} ${Errors}
  ${AndIf} $PdfDir != ""
    StrCpy $GivenDir 1
    ; "D:\PDFs\" and "D:\PDFs" are the same folder
    StrCpy $0 $PdfDir 1 -1
    StrLen $1 $PdfDir
    ${If} $0 == "\"
    ${AndIf} $1 > 3
      StrCpy $PdfDir $PdfDir -1
    ${EndIf}
  ${EndIf}

  ${If} ${Silent}
    Call ValidateConfig
    ${If} $ErrText != ""
      ${Log} "siberius setup ${VERSION}: $ErrText"
      SetErrorLevel 2
      Abort
    ${EndIf}
  ${Else}
    ; the page shows what daemon.env holds unless given on the command line
    ${If} $GivenUrl != 1
      StrCpy $ServerUrl $OldUrl
    ${EndIf}
    ${If} $GivenDir != 1
      StrCpy $PdfDir $OldDir
    ${EndIf}
  ${EndIf}
FunctionEnd

Function ConfigPage
  !insertmacro MUI_HEADER_TEXT "$(CfgTitle)" "$(CfgSubtitle)"
  nsDialogs::Create 1018
  Pop $0
  ${If} $0 == error
    Abort
  ${EndIf}
  ${NSD_CreateLabel} 0 0 100% 10u "$(CfgUrl)"
  Pop $0
  ${NSD_CreateText} 0 11u 100% 12u "$ServerUrl"
  Pop $UrlField
  ${If} $HaveEnv == 1
    ${NSD_CreateLabel} 0 30u 100% 10u "$(CfgTokenKeep)"
  ${Else}
    ${NSD_CreateLabel} 0 30u 100% 10u "$(CfgToken)"
  ${EndIf}
  Pop $0
  ${NSD_CreatePassword} 0 41u 100% 12u "$Token"
  Pop $TokenField
  ${NSD_CreateLabel} 0 60u 100% 10u "$(CfgDir)"
  Pop $0
  ${NSD_CreateDirRequest} 0 72u -62u 12u "$PdfDir"
  Pop $DirField
  ${NSD_CreateBrowseButton} -58u 71u 58u 14u "$(CfgBrowse)"
  Pop $0
  ${NSD_OnClick} $0 OnBrowse
  ${NSD_CreateLabel} 0 94u 100% 40u "$(CfgNote)"
  Pop $0
  ${NSD_SetFocus} $UrlField
  nsDialogs::Show
FunctionEnd

Function OnBrowse
  ${NSD_GetText} $DirField $0
  nsDialogs::SelectFolderDialog "$(CfgBrowseTitle)" "$0"
  Pop $0
  ${If} $0 != error
    ${NSD_SetText} $DirField "$0"
  ${EndIf}
FunctionEnd

Function ConfigPageLeave
  ${NSD_GetText} $UrlField $ServerUrl
  ${NSD_GetText} $TokenField $Token
  ${NSD_GetText} $DirField $PdfDir
  ${TrimLeft} $ServerUrl
  ${TrimRight} $ServerUrl
  ${TrimLeft} $PdfDir
  ${TrimRight} $PdfDir
  StrCpy $0 $PdfDir 1 -1
  StrLen $1 $PdfDir
  ${If} $0 == "\"
  ${AndIf} $1 > 3
    StrCpy $PdfDir $PdfDir -1
  ${EndIf}
  ; a value is written when typed, or changed from what daemon.env holds
  StrCpy $GivenUrl 0
  StrCpy $GivenToken 0
  StrCpy $GivenDir 0
  ${If} $ServerUrl != ""
  ${AndIf} $ServerUrl != $OldUrl
    StrCpy $GivenUrl 1
  ${EndIf}
  ${If} $Token != ""
    StrCpy $GivenToken 1
  ${EndIf}
  ${If} $PdfDir != ""
  ${AndIf} $PdfDir != $OldDir
    StrCpy $GivenDir 1
  ${EndIf}
  ${If} $HaveEnv != 1
    ; a first install: every field is needed
    ${If} $ServerUrl == ""
      StrCpy $ErrText "$(ErrUrl)"
    ${ElseIf} $Token == ""
      StrCpy $ErrText "$(ErrToken)"
    ${ElseIf} $PdfDir == ""
      StrCpy $ErrText "$(ErrDir)"
    ${Else}
      StrCpy $GivenUrl 1
      StrCpy $GivenDir 1
      Call ValidateConfig
    ${EndIf}
  ${Else}
    Call ValidateConfig
  ${EndIf}
  ${If} $ErrText != ""
    MessageBox MB_OK|MB_ICONEXCLAMATION "$ErrText"
    Abort
  ${EndIf}
FunctionEnd

; Writes daemon.env: the given values replace their lines, in place; every other
; line of an existing file is kept as it was. The new file gets its restricted
; ACL while still empty, then takes the old one's place.
Function WriteEnv
  StrCpy $R1 "$EnvFile.new"
  ClearErrors
  FileOpen $R2 "$R1" w
  ${If} ${Errors}
    StrCpy $ErrText "$(ErrEnvWrite) $R1"
    Return
  ${EndIf}
  FileClose $R2
  ${SetAcl} "$R1" "${ENV_SDDL}" 1 "${ENV_ICACLS}"
  StrCpy $R3 $AclResult
  ${If} $R3 == failed
    ${Log} "$(AclFailed) $EnvFile"
  ${Else}
    ${Log} "daemon.env: access limited to SYSTEM, Administrators and LocalService (read) [$R3]"
  ${EndIf}
  FileOpen $R2 "$R1" w
  StrCpy $R4 0   ; SERVER_URL written
  StrCpy $R5 0   ; DAEMON_TOKEN written
  StrCpy $R6 0   ; PDF_DIRECTORY written
  StrCpy $R7 1   ; the last line written ended with a newline
  ${If} $HaveEnv == 1
    ClearErrors
    FileOpen $R8 "$EnvFile" r
    ${IfNot} ${Errors}
      ${Do}
        ClearErrors
        FileRead $R8 $0
        ${If} ${Errors}
          ${Break}
        ${EndIf}
        Push $0
        Call EnvLineKey
        Pop $1
        StrCpy $2 ""
        ${If} $1 == "SERVER_URL"
        ${AndIf} $GivenUrl == 1
          StrCpy $2 "SERVER_URL"
          StrCpy $3 $ServerUrl
          StrCpy $R4 1
        ${ElseIf} $1 == "DAEMON_TOKEN"
        ${AndIf} $GivenToken == 1
          StrCpy $2 "DAEMON_TOKEN"
          StrCpy $3 $Token
          StrCpy $R5 1
        ${ElseIf} $1 == "PDF_DIRECTORY"
        ${AndIf} $GivenDir == 1
          StrCpy $2 "PDF_DIRECTORY"
          StrCpy $3 $PdfDir
          StrCpy $R6 1
        ${EndIf}
        ${If} $2 != ""
          Push $2
          Push $3
          Call EnvLine
          Pop $3
          !insertmacro WriteUtf8 $R2 "$3$\r$\n"
          StrCpy $R7 1
        ${Else}
          ; as read: the ANSI code page both ways keeps the bytes
          FileWrite $R2 $0
          StrCpy $4 $0 1 -1
          ${If} $4 == "$\n"
            StrCpy $R7 1
          ${Else}
            StrCpy $R7 0
          ${EndIf}
        ${EndIf}
      ${Loop}
      FileClose $R8
    ${EndIf}
  ${Else}
    !insertmacro WriteUtf8 $R2 "# Siberius daemon configuration (siberius-daemon-setup ${VERSION}).$\r$\n"
    !insertmacro WriteUtf8 $R2 "# KEY=VALUE lines, the same keys as on Linux: siberius-daemon.exe --help$\r$\n"
    !insertmacro WriteUtf8 $R2 "# lists them. Restart the service after a change:$\r$\n"
    !insertmacro WriteUtf8 $R2 "#   sc stop SiberiusDaemon  then  sc start SiberiusDaemon$\r$\n"
  ${EndIf}
  ${If} $R7 == 0
    !insertmacro WriteUtf8 $R2 "$\r$\n"
  ${EndIf}
  ${If} $GivenUrl == 1
  ${AndIf} $R4 == 0
    Push "SERVER_URL"
    Push $ServerUrl
    Call EnvLine
    Pop $3
    !insertmacro WriteUtf8 $R2 "$3$\r$\n"
  ${EndIf}
  ${If} $GivenToken == 1
  ${AndIf} $R5 == 0
    Push "DAEMON_TOKEN"
    Push $Token
    Call EnvLine
    Pop $3
    !insertmacro WriteUtf8 $R2 "$3$\r$\n"
  ${EndIf}
  ${If} $GivenDir == 1
  ${AndIf} $R6 == 0
    Push "PDF_DIRECTORY"
    Push $PdfDir
    Call EnvLine
    Pop $3
    !insertmacro WriteUtf8 $R2 "$3$\r$\n"
  ${EndIf}
  FileClose $R2
  ClearErrors
  SetDetailsPrint none
  Delete "$EnvFile"
  Rename "$R1" "$EnvFile"
  SetDetailsPrint lastused
  ${If} ${Errors}
    StrCpy $ErrText "$(ErrEnvWrite) $EnvFile"
  ${EndIf}
FunctionEnd

Section "Siberius Daemon" SecMain
  SectionIn RO
  SetRegView 64
  SetShellVarContext all
  StrCpy $ErrText ""
  ${Log} "---- siberius-daemon-setup ${VERSION}"

  ; an upgrade: the running service holds the files
  Call StopService

  SetOutPath "$INSTDIR"
  SetOverwrite on
  File "${DIST}/siberius-daemon.exe"
  File "${DIST}/siberius-pdf-reader.exe"
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "Siberius"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\siberius-daemon.exe"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" $0

  ; %ProgramData%\Siberius: daemon.env and logs\ (the service writes there)
  CreateDirectory "$DataDir\logs"
  ${SetAcl} "$DataDir\logs" "${LOGS_SDDL}" 0 "${LOGS_ICACLS}"
  StrCpy $0 $AclResult
  ${If} $0 == failed
    ${Log} "$(AclFailed) $DataDir\logs"
  ${Else}
    ${Log} "logs: LocalService may write [$0]"
  ${EndIf}

  ${If} $GivenUrl == 1
  ${OrIf} $GivenToken == 1
  ${OrIf} $GivenDir == 1
  ${OrIf} $HaveEnv != 1
    Call WriteEnv
    ${If} $ErrText != ""
      ${Log} "$ErrText"
      MessageBox MB_OK|MB_ICONSTOP "$ErrText" /SD IDOK
      StrCpy $Result 2
      StrCpy $FinishText "$ErrText"
      Goto done
    ${EndIf}
    ${Log} "daemon.env written: $EnvFile"
  ${Else}
    ; kept as it is; its ACL made right in case it was edited or copied
    ${SetAcl} "$EnvFile" "${ENV_SDDL}" 1 "${ENV_ICACLS}"
    StrCpy $0 $AclResult
    ${Log} "daemon.env kept: $EnvFile [acl: $0]"
  ${EndIf}

  ; the configuration and one connection to the server
  DetailPrint "$(Checking)"
  nsExec::ExecToStack '"$INSTDIR\siberius-daemon.exe" --check --config "$EnvFile"'
  Pop $0
  Pop $1
  Push $1
  Call AnsiToUtf8
  Pop $1
  ${TrimRight} $1
  ${Log} "siberius-daemon --check (exit $0):$\r$\n$1"
  ${If} $0 == 0
    StrCpy $R9 "$(CheckOk)"
  ${ElseIf} $0 == 1
    StrCpy $R9 "$(CheckNoConn)"
    ${Log} "$R9"
    MessageBox MB_OK|MB_ICONEXCLAMATION "$R9$\r$\n$\r$\n$1" /SD IDOK
  ${Else}
    StrCpy $R9 "$(CheckBadConfig)"
    ${Log} "$R9"
    MessageBox MB_OK|MB_ICONSTOP "$R9$\r$\n$\r$\n$1" /SD IDOK
    StrCpy $Result 2
    StrCpy $FinishText "$R9$\r$\n$\r$\n$1"
    Goto done
  ${EndIf}

  nsExec::ExecToStack '"$INSTDIR\siberius-daemon.exe" --install-service --config "$EnvFile"'
  Pop $0
  Pop $1
  ${TrimRight} $1
  ${Log} "siberius-daemon --install-service (exit $0): $1"
  ${If} $0 != 0
    StrCpy $FinishText "$(SvcFailed)$\r$\n$1"
    MessageBox MB_OK|MB_ICONSTOP "$FinishText" /SD IDOK
    StrCpy $Result 3
    Goto done
  ${EndIf}

  nsExec::ExecToStack '"$SYSDIR\sc.exe" start ${SERVICE}'
  Pop $0
  Pop $1
  ${TrimRight} $1
  ${Log} "sc start ${SERVICE} (exit $0)"
  StrCpy $2 0
  ${Do}
    Call ServiceState
    Pop $3
    ${If} $3 == 4
    ${OrIf} $2 >= 20
      ${Break}
    ${EndIf}
    Sleep 500
    IntOp $2 $2 + 1
  ${Loop}
  ${If} $3 == 4
    StrCpy $FinishText "$(SvcStarted)$\r$\n$\r$\n$R9"
  ${Else}
    ${Log} "sc start: $1"
    StrCpy $FinishText "$(SvcNotStarted)$\r$\n$\r$\n$R9"
  ${EndIf}
  ${Log} "service state: $3 (4 = running)"

  done:
  ${Log} "setup result: $Result"
  SetErrorLevel $Result
SectionEnd

Function .onGUIEnd
  SetErrorLevel $Result
FunctionEnd

; ---------------------------------------------------------------- uninstaller

Var Purge

; A file the stopped daemon (or an antivirus scan) still holds cannot be
; deleted for a moment: retry for up to 20 s before leaving it for the next
; reboot. Success is judged by what is left on disk (RMDir /r does not always
; raise the error flag when a file inside stays).
!macro RemoveRetrying cmd flags path left
  StrCpy $R5 0
  ${Do}
    ClearErrors
    ${cmd} ${flags} "${path}"
    ${IfNot} ${FileExists} "${path}${left}"
    ${OrIf} $R5 >= 40
      ${Break}
    ${EndIf}
    Sleep 500
    IntOp $R5 $R5 + 1
  ${Loop}
  ${If} ${FileExists} "${path}${left}"
    DetailPrint "${path}: still in use, removed at the next restart"
    ${cmd} ${flags} /REBOOTOK "${path}"
  ${EndIf}
!macroend
!define DeleteRetrying '!insertmacro RemoveRetrying Delete ""'
!define RMDirRetrying '!insertmacro RemoveRetrying RMDir /r'

Function un.onInit
  SetRegView 64
  SetShellVarContext all
  StrCpy $DataDir "$APPDATA\Siberius"
  StrCpy $Purge 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PURGE" $R1
  ${IfNot} ${Errors}
    StrCpy $Purge 1
  ${EndIf}
FunctionEnd

Section "Uninstall"
  SetRegView 64
  SetShellVarContext all
  ${If} ${FileExists} "$INSTDIR\siberius-daemon.exe"
    nsExec::ExecToStack '"$INSTDIR\siberius-daemon.exe" --uninstall-service'
    Pop $0
    Pop $1
    ${UnTrimRight} $1
    DetailPrint "siberius-daemon --uninstall-service (exit $0): $1"
  ${Else}
    Call un.StopService
    nsExec::ExecToStack '"$SYSDIR\sc.exe" delete ${SERVICE}'
    Pop $0
    Pop $1
  ${EndIf}
  Sleep 1000   ; the PDF reader processes end with the daemon

  SetOutPath "$TEMP"   ; not inside the folder being removed
  ${DeleteRetrying} "$INSTDIR\siberius-daemon.exe" ""
  ${DeleteRetrying} "$INSTDIR\siberius-pdf-reader.exe" ""
  Delete "$INSTDIR\Uninstall.exe"
  RMDir /REBOOTOK "$INSTDIR"
  DeleteRegKey HKLM "${UNINST_KEY}"

  ${If} $Purge != 1
  ${AndIfNot} ${Silent}
  ${AndIf} ${FileExists} "$DataDir\*.*"
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 "$(UnPurge)" /SD IDNO IDNO keep
    StrCpy $Purge 1
    keep:
  ${EndIf}
  ${If} $Purge == 1
    ${RMDirRetrying} "$DataDir" "\*.*"
    DetailPrint "$DataDir: removed"
  ${Else}
    DetailPrint "$(UnKept) $DataDir"
  ${EndIf}
SectionEnd
