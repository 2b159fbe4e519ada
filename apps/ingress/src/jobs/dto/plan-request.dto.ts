import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { CreateJobDto } from './create-job.dto';

/** A job body for POST /v1/routes/:task/plan: the path names the task, so the body need not. */
export class PlanRequestDto extends OmitType(CreateJobDto, ['task'] as const) {
  @ApiPropertyOptional({ description: 'Optional; when given it must be the task in the path' })
  @IsOptional()
  @IsString()
  task?: string;
}
