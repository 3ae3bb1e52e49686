/** The header row of every statistics table: the statistic, its value (right-aligned), its unit. */
export function StatsTableHead() {
  return (
    <thead>
      <tr>
        <th scope="col">Statistic</th>
        <th scope="col" class="num">
          Value
        </th>
        <th scope="col">Unit</th>
      </tr>
    </thead>
  );
}
