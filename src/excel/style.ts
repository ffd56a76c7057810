import type ExcelJS from 'exceljs';

export type Translate = (key: string, variables?: Record<string, string | number>) => string;

/** The look every generated workbook shares: bold shaded header, frozen, filterable. */
export function styleSheet(sheet: ExcelJS.Worksheet): void {
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
  });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  if (sheet.columnCount > 0)
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: sheet.columnCount } };
}
