<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
    <context>
        <name>CardEntryPage</name>
        <message numerus="yes">
            <source>%n more scanned card(s) after this one.</source>
            <translation>
                <numerusform>%Ln more scanned card after this one.</numerusform>
                <numerusform>%Ln more scanned cards after this one.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>CheckPage</name>
        <message numerus="yes">
            <source>%n row(s) left out.</source>
            <translation>
                <numerusform>%Ln row left out.</numerusform>
                <numerusform>%Ln rows left out.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n blank row(s) are skipped.</source>
            <translation>
                <numerusform>%Ln blank row is skipped.</numerusform>
                <numerusform>%Ln blank rows are skipped.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n phone number(s) are not valid in the country they were read in (%1, unless their row names another): they are kept as written and flagged in amber below. If the file is from another country, choose it under “Phone numbers from” on the first page.</source>
            <translation>
                <numerusform>%Ln phone number is not valid in the country it was read in (%1, unless its row names another): it is kept as written and flagged in amber below. If the file is from another country, choose it under “Phone numbers from” on the first page.</numerusform>
                <numerusform>%Ln phone numbers are not valid in the country they were read in (%1, unless their row names another): they are kept as written and flagged in amber below. If the file is from another country, choose it under “Phone numbers from” on the first page.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>DealAlertWatcher</name>
        <message numerus="yes">
            <source>%n large deal(s) created or moved on</source>
            <translation>
                <numerusform>%Ln large deal created or moved on</numerusform>
                <numerusform>%Ln large deals created or moved on</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>DealListDialog</name>
        <message numerus="yes">
            <source>%n deal(s).</source>
            <translation>
                <numerusform>%Ln deal.</numerusform>
                <numerusform>%Ln deals.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>DuplicatesPage</name>
        <message numerus="yes">
            <source>%n row(s) would fail: see the second tab.</source>
            <translation>
                <numerusform>%Ln row would fail: see the second tab.</numerusform>
                <numerusform>%Ln rows would fail: see the second tab.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ImportHistoryDialog</name>
        <message numerus="yes">
            <source>%n problem row(s) saved to %1.</source>
            <translation>
                <numerusform>%Ln problem row saved to %1.</numerusform>
                <numerusform>%Ln problem rows saved to %1.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message numerus="yes">
            <source>%n meeting(s)</source>
            <translation>
                <numerusform>%Ln meeting</numerusform>
                <numerusform>%Ln meetings</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n task(s)</source>
            <translation>
                <numerusform>%Ln task</numerusform>
                <numerusform>%Ln tasks</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Reading %n dropped file(s)…</source>
            <translation>
                <numerusform>Reading %Ln dropped file…</numerusform>
                <numerusform>Reading %Ln dropped files…</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%Ln record(s)</source>
            <translation>
                <numerusform>%Ln record</numerusform>
                <numerusform>%Ln records</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>PairTableModel</name>
        <message numerus="yes">
            <source>Merge, %n field(s) from the file</source>
            <translation>
                <numerusform>Merge, %Ln field from the file</numerusform>
                <numerusform>Merge, %Ln fields from the file</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>PipelineBoard</name>
        <message numerus="yes">
            <source>%n day(s) in %1</source>
            <translation>
                <numerusform>%Ln day in %1</numerusform>
                <numerusform>%Ln days in %1</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>stale (limit %n day(s))</source>
            <translation>
                <numerusform>stale (limit %Ln day)</numerusform>
                <numerusform>stale (limit %Ln days)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n open deal(s)</source>
            <translation>
                <numerusform>%Ln open deal</numerusform>
                <numerusform>%Ln open deals</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Stale after %n day(s) in this stage</source>
            <translation>
                <numerusform>Stale after %Ln day in this stage</numerusform>
                <numerusform>Stale after %Ln days in this stage</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>“%1” holds %n deal(s). Move them to:</source>
            <translation>
                <numerusform>“%1” holds %Ln deal. Move it to:</numerusform>
                <numerusform>“%1” holds %Ln deals. Move them to:</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ReminderWatcher</name>
        <message numerus="yes">
            <source>%n reminder(s)</source>
            <translation>
                <numerusform>%Ln reminder</numerusform>
                <numerusform>%Ln reminders</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>You have %n overdue task(s)</source>
            <translation>
                <numerusform>You have %Ln overdue task</numerusform>
                <numerusform>You have %Ln overdue tasks</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>SummaryPage</name>
        <message numerus="yes">
            <source>%n phone number(s) are no valid number of the country they were read in: they were imported as written, not turned into numbers of that country.</source>
            <translation>
                <numerusform>%Ln phone number is no valid number of the country it was read in: it was imported as written, not turned into a number of that country.</numerusform>
                <numerusform>%Ln phone numbers are no valid number of the country they were read in: they were imported as written, not turned into numbers of that country.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n problem row(s) saved to %1: fix them there and import that file.</source>
            <translation>
                <numerusform>%Ln problem row saved to %1: fix it there and import that file.</numerusform>
                <numerusform>%Ln problem rows saved to %1: fix them there and import that file.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>TimelinePanel</name>
        <message numerus="yes">
            <source>%n entry(ies)</source>
            <translation>
                <numerusform>%Ln entry</numerusform>
                <numerusform>%Ln entries</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%1 in %n purchase(s)</source>
            <translation>
                <numerusform>%1 in %Ln purchase</numerusform>
                <numerusform>%1 in %Ln purchases</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>UndoFlow</name>
        <message numerus="yes">
            <source>%n lead(s)</source>
            <translation>
                <numerusform>%Ln lead</numerusform>
                <numerusform>%Ln leads</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n contact(s)</source>
            <translation>
                <numerusform>%Ln contact</numerusform>
                <numerusform>%Ln contacts</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n company(ies)</source>
            <translation>
                <numerusform>%Ln company</numerusform>
                <numerusform>%Ln companies</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n deal(s)</source>
            <translation>
                <numerusform>%Ln deal</numerusform>
                <numerusform>%Ln deals</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>It removes %n record(s) the import created</source>
            <translation>
                <numerusform>It removes %Ln record the import created</numerusform>
                <numerusform>It removes %Ln records the import created</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>and gives %n record(s) it changed their earlier values back.</source>
            <translation>
                <numerusform>and gives %Ln record it changed their earlier values back.</numerusform>
                <numerusform>and gives %Ln records it changed their earlier values back.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n record(s) were edited after the import; you are asked next what to do with them.</source>
            <translation>
                <numerusform>%Ln record was edited after the import; you are asked next what to do with it.</numerusform>
                <numerusform>%Ln records were edited after the import; you are asked next what to do with them.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>• and %n more</source>
            <translation>
                <numerusform>• and %Ln more</numerusform>
                <numerusform>• and %Ln more</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n record(s) were edited after the import:</source>
            <translation>
                <numerusform>%Ln record was edited after the import:</numerusform>
                <numerusform>%Ln records were edited after the import:</numerusform>
            </translation>
        </message>
    </context>
</TS>
