"""Importing contacts, companies and leads from spreadsheets, text tables and vCards.

source tells what a file is and streams its rows (textfile for csv/tsv/txt,
python-calamine for xlsx/xls/ods), header finds the row of column names, cells
turns a cell into text or a date, fields and mapping match columns to CRM
fields, run imports the rows in batches with duplicate checks, and undo takes a
batch back out. Nothing here imports Qt.
"""
